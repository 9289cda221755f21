import { useState, type SyntheticEvent } from 'react';
import { Link, useNavigate } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { administers, type Me } from '@/lib/access';
import { isApiError } from '@/lib/api';
import { formatDate } from '@/lib/format';

import { useCreateDataset, useDatasets, useTeamsOf } from '../api/datasets';
import type { Dataset } from '../api/types';
import { PLUS_GROUP_OPTIONS } from '../lib/labels';
import { unitName, writableUnits, writesForOrganisation, type WritableUnit } from '../lib/units';
import { equityPaths } from '../paths';

function recordsText(dataset: Dataset): string {
  if (dataset.records === null) return 'Fewer than 8';
  return dataset.records === 0 ? 'None yet' : `About ${dataset.records.toLocaleString('en-GB')}`;
}

function periodText(dataset: Dataset): string {
  if (dataset.first_referral === null || dataset.last_referral === null) return 'No records yet';
  return `${formatDate(dataset.first_referral)} to ${formatDate(dataset.last_referral)}`;
}

function NewDataset({ units }: { units: WritableUnit[] }) {
  const [title, setTitle] = useState('');
  const [chosen, setUnit] = useState('');
  // The first unit until one is chosen (the organisation's teams may arrive after the form).
  const unit = units.some((u) => u.code === chosen) ? chosen : (units[0]?.code ?? '');
  const [plus, setPlus] = useState<string[]>([]);
  const [problems, setProblems] = useState<{ text: string; href: string }[]>([]);
  const create = useCreateDataset();
  const navigate = useNavigate();

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const found: { text: string; href: string }[] = [];
    if (title.trim() === '') found.push({ text: 'Enter a name for the dataset, for example MSK physiotherapy 2025 to 2026', href: '#dataset-title' });
    else if (title.trim().length > 80) found.push({ text: 'The name must be 80 characters or fewer', href: '#dataset-title' });
    if (unit === '') found.push({ text: 'Choose the team or organisation whose activity this is', href: '#dataset-unit' });
    setProblems(found);
    if (found.length > 0) return;
    create.mutate(
      { title: title.trim(), unit_code: unit, plus_groups: plus },
      {
        onSuccess: (dataset) => {
          void navigate(equityPaths.dataset(dataset.id));
        },
      },
    );
  };

  const titleError = problems.find((p) => p.href === '#dataset-title')?.text;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-dataset-heading" className="nhsuk-u-margin-top-7">
      <h2 className="nhsuk-heading-m" id="new-dataset-heading">
        Create a dataset
      </h2>
      <p className="nhsuk-body">
        A dataset holds one service’s pseudonymised activity records: referrals, appointments,
        discharges and outcomes, with the characteristics of the people referred. You upload
        the records next.
      </p>
      {problems.length > 0 && <ErrorSummary errors={problems} />}
      {create.isError && (
        <ProblemSummary
          error={create.error}
          fieldTargets={{ 'body.title': '#dataset-title', 'body.unit_code': '#dataset-unit' }}
        />
      )}
      <TextInput
        id="dataset-title"
        label="Dataset name"
        hint="For example, MSK physiotherapy 2025 to 2026"
        value={title}
        maxLength={80}
        autoComplete="off"
        error={titleError}
        onChange={(e) => {
          setTitle(e.target.value);
        }}
      />
      <Select
        id="dataset-unit"
        label="Whose activity is it?"
        value={unit}
        options={units.map((u) => ({ value: u.code, label: u.name }))}
        onChange={(e) => {
          setUnit(e.target.value);
        }}
      />
      <div className="nhsuk-form-group">
        <fieldset className="nhsuk-fieldset" aria-describedby="dataset-plus-hint">
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
            The service’s PLUS groups (optional)
          </legend>
          <div className="nhsuk-hint" id="dataset-plus-hint">
            Core20PLUS5: Core20 is the most deprived 20% of areas. PLUS groups are the other
            groups your service has chosen to focus on. Choose any that apply.
          </div>
          <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
            {PLUS_GROUP_OPTIONS.map((option, index) => (
              <div className="nhsuk-checkboxes__item" key={option.value}>
                <input
                  className="nhsuk-checkboxes__input"
                  id={`dataset-plus-${String(index)}`}
                  name="dataset-plus"
                  type="checkbox"
                  value={option.value}
                  checked={plus.includes(option.value)}
                  onChange={(e) => {
                    const checked = e.target.checked;
                    setPlus((now) => (checked ? [...now, option.value] : now.filter((v) => v !== option.value)));
                  }}
                />
                <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`dataset-plus-${String(index)}`}>
                  {option.label}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <Button type="submit" disabled={create.isPending}>
        Create dataset
      </Button>
    </form>
  );
}

/** The datasets the user may read, and (for those who keep a service's data) a new one. */
export function DatasetsPage({ me }: { me: Me }) {
  const datasets = useDatasets();
  const organisation = writesForOrganisation(me) ? (me.organisation?.ods_code ?? null) : null;
  const teams = useTeamsOf(organisation);
  const units = writableUnits(me, teams.data ?? []);

  return (
    <>
      <h1 className="nhsuk-heading-l">Service equity</h1>
      <p className="nhsuk-body">
        Look at your service’s own activity by group: whose data is incomplete, who is missing
        compared with the population you serve, who does not attend or drops out, and whether a
        change you made narrowed the gap. Figures never identify anyone: small numbers are hidden
        and the rest rounded.
      </p>
      <p className="nhsuk-body">
        <Link to={equityPaths.referenceData()}>Reference data</Link>: the IMD lookups and the
        reference populations the analyses use{administers(me) ? ', which you load' : ''}.
      </p>
      <h2 className="nhsuk-heading-m">Datasets</h2>
      {datasets.isPending && <Loading label="Loading datasets…" />}
      {datasets.isError &&
        (isApiError(datasets.error, 403) ? (
          <ProblemSummary error={datasets.error} title="You do not have access to service equity figures" />
        ) : (
          <ProblemSummary error={datasets.error} />
        ))}
      {datasets.isSuccess && datasets.data.length === 0 && (
        <p className="nhsuk-body" data-testid="datasets-empty">
          There are no datasets you can see yet.
          {units.length > 0 && ' Create one below, then upload your service’s activity file.'}
        </p>
      )}
      {datasets.isSuccess && datasets.data.length > 0 && (
        <ResponsiveTable
          caption="Datasets you can see, newest first"
          captionHidden
          columns={[
            { header: 'Dataset', cell: (d: Dataset) => <Link to={equityPaths.dataset(d.id)}>{d.title}</Link> },
            { header: 'Team or organisation', cell: (d: Dataset) => unitName(me, d.unit_code, teams.data) },
            { header: 'Records', cell: recordsText },
            { header: 'Referrals', cell: periodText },
          ]}
          rows={datasets.data}
          rowKey={(d) => String(d.id)}
          testId="datasets-table"
        />
      )}
      {units.length > 0 ? (
        <NewDataset units={units} />
      ) : (
        <p className="nhsuk-body nhsuk-u-margin-top-5">
          Datasets are created by a team’s lead, or by an analyst or administrator of the trust
          that provides the service.
        </p>
      )}
    </>
  );
}
