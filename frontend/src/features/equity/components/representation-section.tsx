import { useState } from 'react';
import { Link } from 'react-router';

import { ChartWithTable } from '@/components/charts';
import { Select } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';

import { useRepresentation } from '../api/analyses';
import { useReferences } from '../api/reference-tables';
import type { Dataset, ReferencePopulation, RepresentationRow } from '../api/types';
import {
  absentGroupNames,
  figureText,
  formatNumber,
  formatPercent,
  intervalText,
  representationRatios,
  shownText,
} from '../lib/figures';
import { breakdownPhrase, categoryLabel } from '../lib/labels';
import { equityPaths } from '../paths';

import { Caveats } from './dataset-layout';
import { AnalysisProblem, hasRecords, NoRecordsYet } from './figure-states';

const share = (value: number) => formatPercent(value * 100);
const ratio = (value: number) => formatNumber(value, 2);

function referenceLabel(reference: ReferencePopulation): string {
  return `${reference.title} (${breakdownPhrase(reference.dimension)}, ${reference.areas.toLocaleString('en-GB')} areas)`;
}

function Comparison({ dataset, reference, catchmentOnly }: { dataset: Dataset; reference: ReferencePopulation; catchmentOnly: boolean }) {
  const representation = useRepresentation(dataset.id, reference.id, catchmentOnly);
  if (representation.isPending) return <Loading label="Comparing with the reference population…" />;
  if (representation.isError) return <AnalysisProblem error={representation.error} />;
  const data = representation.data;
  const absent = absentGroupNames(data);
  const label = (r: RepresentationRow) => categoryLabel(data.by, r.category);
  return (
    <div data-testid="representation">
      {absent.length > 0 ? (
        <div className="nhsuk-warning-callout" data-testid="absent-groups">
          <h2 className="nhsuk-warning-callout__label">
            <span className="nhsuk-u-visually-hidden">Important: </span>
            Groups missing from the service
          </h2>
          <p>No one in the service’s data is in these groups of the reference population:</p>
          <ul className="nhsuk-list nhsuk-list--bullet">
            {absent.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="nhsuk-body">Every group of the reference population has someone in the service’s data.</p>
      )}
      <ChartWithTable
        title={`People in the service against those expected, by ${breakdownPhrase(data.by)}`}
        valueLabel="Observed / expected"
        formatValue={ratio}
        data={representationRatios(data)}
        notes={[
          'Observed / expected: 1 means the group’s share of the service matches its share of the population; below 1, fewer than expected.',
        ]}
      />
      <ResponsiveTable
        caption={`Each group’s share of the service and of the reference population, by ${breakdownPhrase(data.by)}`}
        columns={[
          { header: 'Group', cell: label },
          { header: 'People in the service', numeric: true, cell: (r) => shownText(r.observed) },
          { header: 'Share of the service', numeric: true, cell: (r) => figureText(r.observed_share, share) },
          { header: 'Share 95% interval', numeric: true, cell: (r) => intervalText(r.observed_share, share) },
          { header: 'Share of the population', numeric: true, cell: (r) => share(r.reference_share) },
          {
            header: 'Expected people',
            numeric: true,
            cell: (r) => (r.expected === null || r.observed.value === null ? 'Not shown' : formatNumber(r.expected)),
          },
          { header: 'Observed / expected', numeric: true, cell: (r) => figureText(r.ratio, ratio) },
          { header: 'Ratio 95% interval', numeric: true, cell: (r) => intervalText(r.ratio, ratio) },
        ]}
        rows={data.rows}
        rowKey={(r) => r.category}
        firstCellIsHeader
        testId="representation-table"
      />
      <Caveats caveats={data.caveats} />
    </div>
  );
}

/** The service's people against the population it should reach (a loaded census table). */
export function RepresentationSection({ dataset }: { dataset: Dataset }) {
  const references = useReferences();
  const [chosen, setChosen] = useState<number | null>(null);
  const [catchmentOnly, setCatchmentOnly] = useState(false);
  if (!hasRecords(dataset)) return <NoRecordsYet mayUpload={dataset.may_upload} />;
  if (references.isPending) return <Loading label="Loading reference populations…" />;
  if (references.isError) return <AnalysisProblem error={references.error} />;
  if (references.data.length === 0) {
    return (
      <p className="nhsuk-body" data-testid="no-references">
        No reference population has been loaded yet. An administrator of your organisation
        loads census figures for the service’s catchment (for example, ONS Census 2021 ethnic
        group by area); the comparison appears here once one is loaded. See{' '}
        <Link to={equityPaths.referenceData()}>reference data</Link>.
      </p>
    );
  }
  const reference = references.data.find((r) => r.id === chosen) ?? references.data[0];
  return (
    <>
      <p className="nhsuk-body">
        Each group’s share of the people the service saw, against its share of the population
        the service should reach. People whose group is not stated or not known are left out of
        both.
      </p>
      <Select
        id="representation-reference"
        label="Compare with"
        value={String(reference?.id ?? '')}
        options={references.data.map((r) => ({ value: String(r.id), label: referenceLabel(r) }))}
        onChange={(e) => {
          setChosen(Number(e.target.value));
        }}
      />
      <div className="nhsuk-form-group">
        <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
          <div className="nhsuk-checkboxes__item">
            <input
              className="nhsuk-checkboxes__input"
              id="representation-catchment"
              type="checkbox"
              checked={catchmentOnly}
              onChange={(e) => {
                setCatchmentOnly(e.target.checked);
              }}
            />
            <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="representation-catchment">
              Count only people who live in the reference population’s areas
            </label>
          </div>
        </div>
      </div>
      {reference !== undefined && <Comparison dataset={dataset} reference={reference} catchmentOnly={catchmentOnly} />}
    </>
  );
}
