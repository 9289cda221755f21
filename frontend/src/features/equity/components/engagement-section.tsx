import { useState } from 'react';

import { ChartWithTable } from '@/components/charts';
import { Select } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';

import { EVERY_RECORD, useEngagement, type Coverage } from '../api/analyses';
import type { Breakdown, Dataset, Engagement } from '../api/types';
import {
  engagementCharts,
  figureText,
  formatNumber,
  formatPercent,
  hiddenFigures,
  intervalText,
  referralData,
} from '../lib/figures';
import { BREAKDOWNS, breakdownPhrase, measureInfo } from '../lib/labels';

import { CoverageFilter, coverageText } from './coverage-filter';
import { Caveats } from './dataset-layout';
import { AnalysisProblem, hasRecords, NoRecordsYet } from './figure-states';

type Index = Engagement['inequality'][number];

/** SII and RII across IMD quintiles: the absolute and relative gap, most to least deprived. */
function InequalityTable({ engagement }: { engagement: Engagement }) {
  if (engagement.inequality.length === 0) return null;
  const points = (value: number) => `${formatNumber(value * 100)} percentage points`;
  const ratio = (value: number) => formatNumber(value, 2);
  return (
    <>
      <h2 className="nhsuk-heading-m">Inequality across deprivation</h2>
      <p className="nhsuk-body">
        The slope index of inequality (SII) is the gap in a rate between the most and the least
        deprived, across all five quintiles; the relative index (RII) is the same as a ratio. An
        index is withheld when a quintile has too few people to show.
      </p>
      <ResponsiveTable
        caption="Slope and relative index of inequality across IMD quintiles"
        columns={[
          { header: 'Measure', cell: (i: Index) => measureInfo(i.measure).label },
          { header: 'SII', numeric: true, cell: (i: Index) => figureText(i.sii, points) },
          { header: 'SII 95% interval', numeric: true, cell: (i: Index) => intervalText(i.sii, points) },
          { header: 'RII', numeric: true, cell: (i: Index) => figureText(i.rii, ratio) },
          { header: 'RII 95% interval', numeric: true, cell: (i: Index) => intervalText(i.rii, ratio) },
        ]}
        rows={engagement.inequality}
        rowKey={(i) => i.measure}
        firstCellIsHeader
        testId="inequality-table"
      />
    </>
  );
}

/** Opt-in, DNA, drop-out, length of stay and outcome change by the chosen group. */
export function EngagementSection({ dataset }: { dataset: Dataset }) {
  const [by, setBy] = useState<Breakdown>('imd_quintile');
  const [coverage, setCoverage] = useState<Coverage>(EVERY_RECORD);
  const engagement = useEngagement(dataset.id, by, coverage, hasRecords(dataset));
  if (!hasRecords(dataset)) return <NoRecordsYet mayUpload={dataset.may_upload} />;
  const data = engagement.data;
  const phrase = data === undefined ? '' : breakdownPhrase(data.by);
  const hidden = data === undefined ? 0 : hiddenFigures(data);

  return (
    <>
      <p className="nhsuk-body">
        Who is referred, who opts in, who does not attend, who drops out, how long people stay
        and how their outcomes change, for each group. Each chart has the same figures in a
        table, with 95% confidence intervals.
      </p>
      <Select
        id="engagement-by"
        label="Break the figures down by"
        value={by}
        options={BREAKDOWNS.map((b) => ({ value: b.value, label: b.label }))}
        onChange={(e) => {
          setBy(e.target.value as Breakdown);
        }}
      />
      <CoverageFilter idPrefix="engagement" coverage={coverage} onApply={setCoverage} />
      <p className="nhsuk-body" data-testid="engagement-coverage">
        Figures for {coverageText(coverage)}.
      </p>
      {engagement.isPending && <Loading label="Loading the figures…" />}
      {engagement.isError && <AnalysisProblem error={engagement.error} />}
      {data !== undefined && (
        <div aria-busy={engagement.isPlaceholderData} data-testid="engagement">
          {hidden > 0 && (
            <p className="nhsuk-body" data-testid="engagement-suppressed">
              {hidden === 1 ? '1 figure is' : `${String(hidden)} figures are`} suppressed below
              to protect privacy: each says why.
            </p>
          )}
          <ChartWithTable
            title={`Referrals, by ${phrase}`}
            valueLabel="Referrals"
            data={referralData(data)}
          />
          {engagementCharts(data).map(({ measure, data: figures }) => {
            const info = measureInfo(measure);
            const proportion = info.kind === 'proportion';
            return (
              <ChartWithTable
                key={measure}
                title={`${info.label}, by ${phrase}`}
                valueLabel={`${info.label} (${info.unit})`}
                formatValue={proportion ? formatPercent : (v) => formatNumber(v)}
                max={proportion ? 100 : undefined}
                data={figures}
                notes={[info.explanation]}
              />
            );
          })}
          <InequalityTable engagement={data} />
          <Caveats caveats={data.caveats} />
          <details className="nhsuk-details">
            <summary className="nhsuk-details__summary">
              <span className="nhsuk-details__summary-text">How these figures are worked out</span>
            </summary>
            <div className="nhsuk-details__text">
              <ul className="nhsuk-list nhsuk-list--bullet">
                <li>Proportions: {data.method.proportions}</li>
                <li>Means: {data.method.means}</li>
                <li>Inequality: {data.method.inequality}</li>
                <li>Small numbers: {data.method.suppression}</li>
              </ul>
            </div>
          </details>
        </div>
      )}
    </>
  );
}
