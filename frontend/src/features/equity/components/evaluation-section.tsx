import { useState, type SyntheticEvent } from 'react';

import { ChartWithTable } from '@/components/charts';
import { Button } from '@/components/ui/button';
import { DateInput } from '@/components/ui/date-input';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { formatDate, todayInEngland } from '@/lib/format';

import { useEvaluation } from '../api/analyses';
import type { Breakdown, Dataset, Difference, Evaluation, EvaluationParams, EvaluationRow, Measure } from '../api/types';
import { checkEvaluation, evaluationQuery, type EvaluationDraft, type EvaluationProblem } from '../lib/evaluation';
import { figureDatum, figureText, formatNumber, formatPercent, shownText, verdictText } from '../lib/figures';
import { BREAKDOWNS, breakdownPhrase, categoryLabel, focusOptions, MEASURES, measureInfo, reasonText } from '../lib/labels';

import { Caveats } from './dataset-layout';
import { AnalysisProblem, hasRecords, NoRecordsYet } from './figure-states';

function differenceText(d: Difference, format: (v: number) => string): string {
  if (d.value === null) return `Withheld: ${reasonText(d.withheld)}`;
  const sign = d.value > 0 ? '+' : '';
  return `${sign}${format(d.value)}`;
}

function differenceInterval(d: Difference, format: (v: number) => string): string {
  return d.value === null || d.lower === null || d.upper === null ? 'Not shown' : `${format(d.lower)} to ${format(d.upper)}`;
}

function pText(d: Difference): string {
  if (d.p_value === null) return 'Not shown';
  return d.p_value < 0.001 ? 'less than 0.001' : formatNumber(d.p_value, 3);
}

function Results({ evaluation }: { evaluation: Evaluation }) {
  const info = measureInfo(evaluation.measure);
  const proportion = info.kind === 'proportion';
  const scale = proportion ? 100 : 1;
  const format = proportion ? formatPercent : (v: number) => formatNumber(v);
  const change = proportion ? (v: number) => `${formatNumber(v * 100)} points` : (v: number) => formatNumber(v);
  const value = (v: number) => format(v * scale);
  const label = (r: EvaluationRow) => categoryLabel(evaluation.by, r.category);
  const phrase = breakdownPhrase(evaluation.by);
  const gap = evaluation.gap;
  return (
    <div data-testid="evaluation">
      <h2 className="nhsuk-heading-m">
        {info.label} before and after {formatDate(evaluation.intervention)}
      </h2>
      {gap !== null && (
        <div className="nhsuk-inset-text" data-testid="gap-verdict">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <h3 className="nhsuk-heading-s">
            Did the gap for {categoryLabel(evaluation.by, gap.focus)} narrow?
          </h3>
          <p>
            <strong>{verdictText(gap.verdict)}</strong>
          </p>
          <ul className="nhsuk-list">
            <li>Gap to everyone else before: {figureText(gap.before, (v) => change(v))}</li>
            <li>Gap after: {figureText(gap.after, (v) => change(v))}</li>
            <li>
              Change in the gap: {differenceText(gap.change, change)} (95% interval{' '}
              {differenceInterval(gap.change, change)}; p {pText(gap.change)})
            </li>
          </ul>
        </div>
      )}
      <ResponsiveTable
        caption={`${info.label} (${info.unit}) before and after, by ${phrase}`}
        columns={[
          { header: 'Group', cell: label },
          { header: 'People before', numeric: true, cell: (r) => shownText(r.before_people) },
          { header: 'Before', numeric: true, cell: (r) => figureText(r.before, value) },
          { header: 'People after', numeric: true, cell: (r) => shownText(r.after_people) },
          { header: 'After', numeric: true, cell: (r) => figureText(r.after, value) },
          { header: 'Change', numeric: true, cell: (r) => differenceText(r.change, change) },
          { header: 'Change 95% interval', numeric: true, cell: (r) => differenceInterval(r.change, change) },
          { header: 'p-value', numeric: true, cell: (r) => pText(r.change) },
        ]}
        rows={evaluation.rows}
        rowKey={(r) => r.category}
        firstCellIsHeader
        testId="evaluation-table"
      />
      <ChartWithTable
        title={`${info.label} before the change, by ${phrase}`}
        valueLabel={`Before (${info.unit})`}
        formatValue={format}
        max={proportion ? 100 : undefined}
        data={evaluation.rows.map((r) => figureDatum(label(r), r.before, scale))}
      />
      <ChartWithTable
        title={`${info.label} after the change, by ${phrase}`}
        valueLabel={`After (${info.unit})`}
        formatValue={format}
        max={proportion ? 100 : undefined}
        data={evaluation.rows.map((r) => figureDatum(label(r), r.after, scale))}
      />
      <Caveats caveats={evaluation.caveats} heading="Before you draw conclusions" />
    </div>
  );
}

const TARGETS: Record<EvaluationProblem['field'], string> = {
  intervention: '#evaluation-intervention-day',
  baseline: '#evaluation-baseline-day',
  after: '#evaluation-after-day',
};

/** Before against after a change the service made, per group, and whether a gap narrowed. */
export function EvaluationSection({ dataset }: { dataset: Dataset }) {
  const [draft, setDraft] = useState<EvaluationDraft>({
    intervention: '',
    baselineFrom: '',
    afterTo: '',
    measure: 'dna',
    by: 'imd_quintile',
    focus: '1',
  });
  const [problems, setProblems] = useState<EvaluationProblem[]>([]);
  const [query, setQuery] = useState<EvaluationParams | null>(null);
  const evaluation = useEvaluation(dataset.id, query);
  if (!hasRecords(dataset)) return <NoRecordsYet mayUpload={dataset.may_upload} />;

  const set = (change: Partial<EvaluationDraft>) => {
    setDraft((now) => ({ ...now, ...change }));
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const found = checkEvaluation(draft, todayInEngland());
    setProblems(found);
    if (found.length === 0) setQuery(evaluationQuery(draft));
  };
  const errorOf = (field: EvaluationProblem['field']) => problems.find((p) => p.field === field)?.text;
  const focusChoices = focusOptions(draft.by);

  return (
    <>
      <p className="nhsuk-body">
        Compare the period before a change your service made with the period after it, for
        each group, and see whether the gap between a group and everyone else narrowed.
      </p>
      <form onSubmit={submit} noValidate aria-label="Evaluate a change">
        {problems.length > 0 && <ErrorSummary errors={problems.map((p) => ({ text: p.text, href: TARGETS[p.field] }))} />}
        <DateInput
          id="evaluation-intervention"
          legend="When was the change made?"
          hint="Referrals before this date are the baseline; referrals from it on are after. For example, 1 10 2025"
          value={draft.intervention}
          error={errorOf('intervention')}
          onChange={(value) => {
            set({ intervention: value });
          }}
        />
        <DateInput
          id="evaluation-baseline"
          legend="Baseline starts (optional)"
          hint="If left empty, the baseline starts with the first referral"
          value={draft.baselineFrom}
          error={errorOf('baseline')}
          onChange={(value) => {
            set({ baselineFrom: value });
          }}
        />
        <DateInput
          id="evaluation-after"
          legend="Period after ends (optional)"
          hint="If left empty, it runs to the last referral"
          value={draft.afterTo}
          error={errorOf('after')}
          onChange={(value) => {
            set({ afterTo: value });
          }}
        />
        <Select
          id="evaluation-measure"
          label="Measure"
          value={draft.measure}
          options={MEASURES.map((m) => ({ value: m.value, label: m.label }))}
          onChange={(e) => {
            set({ measure: e.target.value as Measure });
          }}
        />
        <Select
          id="evaluation-by"
          label="Groups"
          value={draft.by}
          options={BREAKDOWNS.filter((b) => b.value !== 'quarter').map((b) => ({ value: b.value, label: b.label }))}
          onChange={(e) => {
            const by = e.target.value as Breakdown;
            set({ by, focus: focusOptions(by)[0] ?? '' });
          }}
        />
        <Select
          id="evaluation-focus"
          label="The group the change was for"
          hint="Its gap to everyone else is compared before and after"
          value={draft.focus}
          options={[
            { value: '', label: 'No particular group' },
            ...focusChoices.map((code) => ({ value: code, label: categoryLabel(draft.by, code) })),
          ]}
          onChange={(e) => {
            set({ focus: e.target.value });
          }}
        />
        <Button type="submit">Compare before and after</Button>
      </form>
      {query !== null && evaluation.isPending && <Loading label="Comparing before and after…" />}
      {evaluation.isError && <AnalysisProblem error={evaluation.error} />}
      {evaluation.isSuccess && <Results evaluation={evaluation.data} />}
    </>
  );
}
