import { useState } from 'react';

import { ChartWithTable } from '@/components/charts';
import { ProblemSummary } from '@/components/errors';
import { Select } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { isApiError } from '@/lib/api';

import { useSummary, type Breakdown } from '../api/get-summary';
import { BREAKDOWNS, panels } from '../lib/figures';

const oneDecimal = (value: number) =>
  value.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/**
 * Team and organisation summaries from the aggregation service (never identifiable): people
 * assessed and their mean HEF score for the latest financial year, broken down one way at
 * a time, each as a chart with the same figures in a table; small numbers suppressed.
 */
export function DashboardPage() {
  const [by, setBy] = useState<Breakdown>('imd_quintile');
  const summary = useSummary(by);
  const phrase = BREAKDOWNS.find((b) => b.value === by)?.phrase ?? by;

  return (
    <>
      <h1 className="nhsuk-heading-l">Dashboards</h1>
      <p className="nhsuk-body">
        Who your services assessed, and how much their circumstances affect their health
        (mean HEF score: higher means more impact). Figures never identify anyone: small
        numbers are hidden and the rest rounded.
      </p>
      <Select
        id="dashboard-by"
        label="Break the figures down by"
        value={by}
        options={BREAKDOWNS}
        onChange={(e) => {
          setBy(e.target.value as Breakdown);
        }}
      />
      {summary.isPending && <Loading label="Loading the figures…" />}
      {summary.isError &&
        (isApiError(summary.error, 403) ? (
          <ProblemSummary
            error={summary.error}
            title="You do not have access to these figures"
          />
        ) : (
          <ProblemSummary error={summary.error} />
        ))}
      {summary.isSuccess && summary.data.rows.length === 0 && (
        <p className="nhsuk-body" data-testid="dashboard-empty">
          There are no submitted assessments to summarise yet.
        </p>
      )}
      {summary.isSuccess &&
        panels(summary.data, by).map((panel, index) => (
          <section key={panel.unit} aria-labelledby={`dashboard-unit-${String(index)}`} data-testid="dashboard-panel">
            <h2 className="nhsuk-heading-m" id={`dashboard-unit-${String(index)}`}>
              {panel.unit}, {panel.period}
            </h2>
            <ChartWithTable
              headingLevel={3}
              title={`People assessed, by ${phrase}`}
              valueLabel="People"
              data={panel.people}
              notes={summary.data.caveats}
            />
            <ChartWithTable
              headingLevel={3}
              title={`Mean HEF score, by ${phrase}`}
              valueLabel="Mean score"
              formatValue={oneDecimal}
              data={panel.meanScore}
            />
          </section>
        ))}
    </>
  );
}
