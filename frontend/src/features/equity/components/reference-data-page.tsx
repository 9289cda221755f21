import { useRef, useState, type SyntheticEvent } from 'react';
import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { administers, type Me } from '@/lib/access';
import { isApiError, type Problem } from '@/lib/api';
import { formatDateTime } from '@/lib/format';

import { useCreateReference, useImdLookups, useLoadImdLookup, useReferences } from '../api/reference-tables';
import type { ImdLookup, ImdVintage, ReferencePopulation } from '../api/types';
import type { SendProgress } from '../api/upload-file';
import { BREAKDOWNS, breakdownLabel, categoryLabel, focusOptions } from '../lib/labels';
import { placeRefusals, problemOfRefusals, readReferenceFile, REFERENCE_COLUMNS } from '../lib/reference-file';
import { equityPaths } from '../paths';

import { Done, FileField, RejectReport, SendingProgress } from './file-parts';

const VINTAGES: readonly { value: ImdVintage; label: string }[] = [
  { value: 'IoD2025', label: 'IoD2025 (2021 LSOAs)' },
  { value: 'IoD2019', label: 'IoD2019 (2011 LSOAs)' },
];
const vintageLabel = (vintage: string) => VINTAGES.find((v) => v.value === vintage)?.label ?? vintage;
const count = (n: number) => n.toLocaleString('en-GB');
// A census table is of characteristics, not of referrals over time.
const DIMENSIONS = BREAKDOWNS.filter((b) => b.value !== 'quarter');

/** Load (or replace) a vintage's IMD lookup from the published IoD CSV, with its progress. */
function LoadImdLookup() {
  const input = useRef<HTMLInputElement>(null);
  const [vintage, setVintage] = useState<ImdVintage>('IoD2025');
  const [problem, setProblem] = useState<string | null>(null);
  const [progress, setProgress] = useState<SendProgress | null>(null);
  const [sent, setSent] = useState<{ vintage: ImdVintage; fileName: string } | null>(null);
  const load = useLoadImdLookup(setProgress);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (file === undefined) {
      setProblem('Choose the IoD file to load');
      return;
    }
    if (!file.name.toLowerCase().endsWith('.csv')) {
      setProblem('The file must be the published CSV (File 7 or File 1), not a workbook');
      return;
    }
    setProblem(null);
    setSent({ vintage, fileName: file.name });
    setProgress({ sent: 0, total: file.size });
    load.mutate({ vintage, file });
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="load-lookup-heading">
      <h3 className="nhsuk-heading-s" id="load-lookup-heading">
        Load an IMD lookup
      </h3>
      <p className="nhsuk-body">
        Use the English Indices of Deprivation file as published: File 7 (all scores, ranks,
        deciles and population denominators) or File 1. Only the LSOA code and IMD decile columns
        are read. Loading a vintage again replaces it; records already imported keep their
        deciles. The lookup changes only if every row of the file is right.
      </p>
      {problem !== null && <ErrorSummary errors={[{ text: problem, href: '#lookup-file' }]} />}
      <Select
        id="lookup-vintage"
        label="Vintage"
        hint="IoD2019 ranks the 2011 LSOAs, IoD2025 the 2021 LSOAs"
        value={vintage}
        options={VINTAGES}
        onChange={(e) => {
          setVintage(e.target.value as ImdVintage);
        }}
        disabled={load.isPending}
      />
      <FileField
        id="lookup-file"
        label="IoD file (CSV)"
        accept=".csv,text/csv"
        error={problem}
        disabled={load.isPending}
        inputRef={input}
      />
      {load.isPending && progress !== null && sent !== null && (
        <SendingProgress
          id="lookup-progress-bar"
          fileName={sent.fileName}
          sent={progress.sent}
          total={progress.total}
          afterSending={{
            label: 'Reading every LSOA',
            status: 'The file has been sent. Every row is being read: the lookup changes only if every row is right.',
          }}
          testId="lookup-progress"
        />
      )}
      {load.isSuccess && (
        <Done testId="lookup-done">
          {`The ${vintageLabel(load.data.vintage)} lookup was loaded: ${count(load.data.lsoas)} LSOAs.`}
        </Done>
      )}
      {load.isError && sent !== null &&
        (isApiError(load.error, 422) ? (
          <RejectReport
            problem={load.error.problem}
            title={`${sent.fileName} was not loaded`}
            outcome={`The ${sent.vintage} lookup is unchanged.`}
            nextStep={`Check that this is the published file of ${vintageLabel(sent.vintage)}, then load it again.`}
            testId="lookup-reject"
          />
        ) : (
          <ProblemSummary error={load.error} title={isApiError(load.error, 413) ? 'The file is too large' : undefined} />
        ))}
      <Button type="submit" disabled={load.isPending}>
        {load.isPending ? 'Loading…' : 'Load lookup'}
      </Button>
    </form>
  );
}

function ImdLookups({ loads }: { loads: boolean }) {
  const lookups = useImdLookups();
  return (
    <section aria-labelledby="imd-lookups-heading">
      <h2 className="nhsuk-heading-m" id="imd-lookups-heading">
        IMD lookups
      </h2>
      <p className="nhsuk-body">
        An activity row may give the person’s area (LSOA code) instead of their IMD decile: the
        decile is then found in the lookup of the row’s vintage of the Indices of Deprivation.
      </p>
      {lookups.isPending && <Loading label="Loading the IMD lookups…" />}
      {lookups.isError && <ProblemSummary error={lookups.error} />}
      {lookups.isSuccess && lookups.data.length === 0 && (
        <p className="nhsuk-body" data-testid="lookups-empty">
          No IMD lookup is loaded yet: a row that gives an LSOA code without an IMD decile is
          refused until one is.
        </p>
      )}
      {lookups.isSuccess && lookups.data.length > 0 && (
        <ResponsiveTable
          caption="IMD lookups loaded"
          columns={[
            { header: 'Vintage', cell: (l: ImdLookup) => vintageLabel(l.vintage) },
            { header: 'LSOAs', numeric: true, cell: (l: ImdLookup) => count(l.lsoas) },
            { header: 'Loaded', cell: (l: ImdLookup) => formatDateTime(l.loaded_at) },
          ]}
          rows={lookups.data}
          rowKey={(l) => l.vintage}
          firstCellIsHeader
          testId="lookups-table"
        />
      )}
      {loads && <LoadImdLookup />}
    </section>
  );
}

type Loaded = { problem: Problem | null; rows: number[]; fileName: string };

/** Load a reference population: a title, its groups, and a CSV of area × group counts. */
function LoadReference() {
  const input = useRef<HTMLInputElement>(null);
  const [title, setTitle] = useState('');
  const [dimension, setDimension] = useState('ethnic_group');
  const [problems, setProblems] = useState<{ text: string; href: string }[]>([]);
  const [file, setFile] = useState<Loaded | null>(null);
  const [added, setAdded] = useState(0);
  const create = useCreateReference();
  const groups = focusOptions(dimension);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const found: { text: string; href: string }[] = [];
    const chosen = input.current?.files?.[0];
    if (title.trim() === '') found.push({ text: 'Enter a title, for example Census 2021 ethnic group, our catchment', href: '#reference-title' });
    else if (title.trim().length > 80) found.push({ text: 'The title must be 80 characters or fewer', href: '#reference-title' });
    if (chosen === undefined) found.push({ text: 'Choose the file of counts', href: '#reference-file' });
    setProblems(found);
    setFile(null);
    create.reset();
    if (chosen === undefined || found.length > 0) return;
    const read = readReferenceFile(await chosen.text());
    if (read.problems.length > 0) {
      setFile({ problem: problemOfRefusals(read.problems), rows: read.rows, fileName: chosen.name });
      return;
    }
    setFile({ problem: null, rows: read.rows, fileName: chosen.name });
    create.mutate(
      { title: title.trim(), dimension, counts: read.counts },
      {
        onSuccess: () => {
          setTitle('');
          setAdded((n) => n + 1);
        },
      },
    );
  };

  const refused = isApiError(create.error, 422) ? create.error.problem : null;
  const countsRefused = (refused?.errors ?? []).some((e) => e.field.startsWith('body.counts'));
  const fileProblem = file?.problem ?? (countsRefused ? placeRefusals(refused, file?.rows ?? []) : null);
  const titleError = problems.find((p) => p.href === '#reference-title')?.text;
  const fileError = problems.find((p) => p.href === '#reference-file')?.text ?? null;
  return (
    <form
      onSubmit={(event) => {
        void submit(event);
      }}
      noValidate
      aria-labelledby="load-reference-heading"
    >
      <h3 className="nhsuk-heading-s" id="load-reference-heading">
        Load a reference population
      </h3>
      {problems.length > 0 && <ErrorSummary errors={problems} />}
      {create.isError && !countsRefused && (
        <ProblemSummary
          error={create.error}
          // The counts go as JSON, and the gateway takes 2 MB of it: about 25,000 rows.
          title={isApiError(create.error, 413) ? 'The file is too large: a reference population can hold about 25,000 rows' : undefined}
          fieldTargets={{ 'body.title': '#reference-title', 'body.dimension': '#reference-dimension' }}
        />
      )}
      <TextInput
        id="reference-title"
        label="Title"
        hint="Say what the figures are and where they come from, for example Census 2021 ethnic group, our catchment"
        value={title}
        maxLength={80}
        autoComplete="off"
        error={titleError}
        onChange={(e) => {
          setTitle(e.target.value);
        }}
      />
      <Select
        id="reference-dimension"
        label="Groups the people are counted by"
        value={dimension}
        options={DIMENSIONS.map((b) => ({ value: b.value, label: b.label }))}
        onChange={(e) => {
          setDimension(e.target.value);
        }}
      />
      <details className="nhsuk-details">
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">What the file must contain</span>
        </summary>
        <div className="nhsuk-details__text">
          <p>
            A CSV with a header row naming {REFERENCE_COLUMNS.map((c, i) => (
              <span key={c}>
                {i > 0 && (i === REFERENCE_COLUMNS.length - 1 ? ' and ' : ', ')}
                <code>{c}</code>
              </span>
            ))}
            , then one row for each area and group: for example <code>E01000001,white,1200</code>.
            Areas are LSOA codes (or other area codes of a letter and 8 digits); up to 40,000 rows.
          </p>
          {groups.length > 0 && (
            <p data-testid="reference-groups">
              Groups for {breakdownLabel(dimension).toLowerCase()}:{' '}
              {groups.map((code, i) => (
                <span key={code}>
                  {i > 0 && ', '}
                  <code>{code}</code> ({categoryLabel(dimension, code)})
                </span>
              ))}
              .
            </p>
          )}
        </div>
      </details>
      <FileField
        key={added}
        id="reference-file"
        label="Counts (CSV)"
        accept=".csv,text/csv"
        error={fileError}
        disabled={create.isPending}
        inputRef={input}
      />
      {create.isSuccess && (
        <Done testId="reference-done">
          {`${create.data.title} was loaded: ${count(create.data.areas)} areas, ${count(create.data.people)} people.`}
        </Done>
      )}
      {fileProblem !== null && file !== null && (
        <RejectReport
          problem={fileProblem}
          title={`${file.fileName} was not loaded`}
          outcome="Nothing from this file was loaded."
          nextStep="Correct the rows listed, then load the whole file again."
          testId="reference-reject"
        />
      )}
      <Button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Loading…' : 'Load reference population'}
      </Button>
    </form>
  );
}

function ReferencePopulations({ loads }: { loads: boolean }) {
  const references = useReferences();
  return (
    <section aria-labelledby="references-heading" className="nhsuk-u-margin-top-7">
      <h2 className="nhsuk-heading-m" id="references-heading">
        Reference populations
      </h2>
      <p className="nhsuk-body">
        Census-style counts of the people living in a catchment, by area and group (for example
        ONS Census 2021 ethnic group by LSOA). Representation compares a service’s people with
        one of them.
      </p>
      {references.isPending && <Loading label="Loading reference populations…" />}
      {references.isError && <ProblemSummary error={references.error} />}
      {references.isSuccess && references.data.length === 0 && (
        <p className="nhsuk-body" data-testid="references-empty">
          No reference population has been loaded yet.
        </p>
      )}
      {references.isSuccess && references.data.length > 0 && (
        <ResponsiveTable
          caption="Reference populations loaded, newest first"
          columns={[
            { header: 'Title', cell: (r: ReferencePopulation) => r.title },
            { header: 'Groups', cell: (r: ReferencePopulation) => breakdownLabel(r.dimension) },
            { header: 'Areas', numeric: true, cell: (r: ReferencePopulation) => count(r.areas) },
            { header: 'People', numeric: true, cell: (r: ReferencePopulation) => count(r.people) },
            { header: 'Loaded', cell: (r: ReferencePopulation) => formatDateTime(r.created_at) },
          ]}
          rows={references.data}
          rowKey={(r) => String(r.id)}
          firstCellIsHeader
          testId="references-table"
        />
      )}
      {loads && <LoadReference />}
    </section>
  );
}

/**
 * The reference data service equity uses: IMD lookups and reference populations. Every
 * reader of service equity sees what is loaded; an organisation administrator loads them
 * (decisions 0032, 0046).
 */
export function ReferenceDataPage({ me }: { me: Me }) {
  const loads = administers(me);
  return (
    <>
      <Link className="nhsuk-back-link" to={equityPaths.datasets()}>
        Service equity
      </Link>
      <h1 className="nhsuk-heading-l">Reference data</h1>
      <p className="nhsuk-body">
        Published figures that every service’s analyses use. They describe areas, not people,
        and hold no personal data.{' '}
        {loads
          ? 'As an administrator of your organisation, you load them here.'
          : 'An administrator of your organisation loads them.'}
      </p>
      <ImdLookups loads={loads} />
      <ReferencePopulations loads={loads} />
    </>
  );
}
