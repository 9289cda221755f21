import { useState } from 'react';

import { ChartWithTable } from '@/components/charts';
import { Select } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable, type TableColumn } from '@/components/ui/responsive-table';
import { Tag } from '@/components/ui/tag';

import { EVERY_RECORD, useCompleteness, type Coverage } from '../api/analyses';
import type { Breakdown, Dataset, FieldCompleteness } from '../api/types';
import {
  byField,
  completenessRows,
  figureText,
  formatPercent,
  intervalText,
  notRecordedData,
  shownText,
} from '../lib/figures';
import { BREAKDOWNS, breakdownPhrase, categoryLabel, fieldLabel } from '../lib/labels';

import { CoverageFilter, coverageText } from './coverage-filter';
import { Caveats } from './dataset-layout';
import { AnalysisProblem, hasRecords, NoRecordsYet } from './figure-states';

const NONE = 'none';

function columns(first: TableColumn<FieldCompleteness>): TableColumn<FieldCompleteness>[] {
  return [
    first,
    { header: 'Records', numeric: true, cell: (r) => shownText(r.records) },
    { header: 'Recorded', numeric: true, cell: (r) => shownText(r.recorded) },
    { header: 'Not stated (declined)', numeric: true, cell: (r) => shownText(r.not_stated) },
    { header: 'Not known', numeric: true, cell: (r) => shownText(r.not_known) },
    {
      header: 'Not recorded',
      numeric: true,
      cell: (r) => (
        <>
          {figureText(r.not_recorded_percent, formatPercent)}
          {r.least_complete && (
            <span className="nhsuk-u-display-block">
              <Tag colour="orange">Least complete</Tag>
            </span>
          )}
        </>
      ),
    },
    { header: '95% confidence interval', numeric: true, cell: (r) => intervalText(r.not_recorded_percent, formatPercent) },
  ];
}

function LeastComplete({ rows, by }: { rows: FieldCompleteness[]; by: Breakdown | null }) {
  const worst = rows.filter((r) => r.least_complete);
  if (worst.length === 0) return null;
  return (
    <div className="nhsuk-warning-callout" data-testid="least-complete">
      <h2 className="nhsuk-warning-callout__label">
        <span className="nhsuk-u-visually-hidden">Important: </span>
        Least complete
      </h2>
      <ul className="nhsuk-list">
        {worst.map((r) => (
          <li key={`${r.field} ${r.group}`}>
            {fieldLabel(r.field)}
            {by !== null && r.group !== 'all' ? ` (${categoryLabel(by, r.group)})` : ''}:{' '}
            {figureText(r.not_recorded_percent, formatPercent)} not recorded
          </li>
        ))}
      </ul>
      <p>Unknown values can hide an inequality: a group that is rarely recorded cannot be seen in the figures.</p>
    </div>
  );
}

/** How complete each field is (overall, per group, or over time by quarter). */
export function CompletenessSection({ dataset }: { dataset: Dataset }) {
  const [by, setBy] = useState<Breakdown | null>(null);
  const [coverage, setCoverage] = useState<Coverage>(EVERY_RECORD);
  const completeness = useCompleteness(dataset.id, by, coverage, hasRecords(dataset));
  const rows = completeness.data === undefined ? [] : completenessRows(completeness.data.rows);
  if (!hasRecords(dataset)) return <NoRecordsYet mayUpload={dataset.may_upload} />;

  return (
    <>
      <p className="nhsuk-body">
        For each characteristic: how many records have it recorded, how many say the person
        declined to state it, and how many do not know it. The least complete are marked.
      </p>
      <Select
        id="completeness-by"
        label="Show completeness"
        value={by ?? NONE}
        options={[
          { value: NONE, label: 'For each field overall' },
          ...BREAKDOWNS.map((b) => ({
            value: b.value,
            label: b.value === 'quarter' ? 'Over time (by quarter of referral)' : `By ${b.phrase}`,
          })),
        ]}
        onChange={(e) => {
          setBy(e.target.value === NONE ? null : (e.target.value as Breakdown));
        }}
      />
      <CoverageFilter idPrefix="completeness" coverage={coverage} onApply={setCoverage} />
      <p className="nhsuk-body">Figures for {coverageText(coverage)}.</p>
      {completeness.isPending && <Loading label="Loading completeness…" />}
      {completeness.isError && <AnalysisProblem error={completeness.error} />}
      {completeness.isSuccess && rows.length > 0 && (
        <div aria-busy={completeness.isPlaceholderData} data-testid="completeness">
          <LeastComplete rows={rows} by={by} />
          {by === null ? (
            <>
              <ChartWithTable
                title="Records with the field not recorded, by field"
                valueLabel="Not recorded"
                formatValue={formatPercent}
                max={100}
                data={notRecordedData(rows, (r) => fieldLabel(r.field))}
              />
              <ResponsiveTable
                caption="Recorded, not stated and not known, by field"
                columns={columns({ header: 'Field', cell: (r) => fieldLabel(r.field) })}
                rows={rows}
                rowKey={(r) => r.field}
                firstCellIsHeader
                testId="completeness-table"
              />
            </>
          ) : (
            byField(rows).map(([field, fieldRows]) => (
              <ResponsiveTable
                key={field}
                caption={`${fieldLabel(field)}: completeness by ${breakdownPhrase(by)}`}
                columns={columns({ header: 'Group', cell: (r) => categoryLabel(by, r.group) })}
                rows={fieldRows}
                rowKey={(r) => r.group}
                firstCellIsHeader
                testId="completeness-table"
              />
            ))
          )}
          <Caveats caveats={completeness.data.caveats} />
        </div>
      )}
    </>
  );
}
