import type { ChartDatum } from '@/components/charts';

import type {
  Engagement,
  EngagementRow,
  FieldCompleteness,
  Figure,
  Representation,
  Shown,
} from '../api/types';

import { categoryLabel, measureInfo, reasonText } from './labels';

// Every figure arrives disclosure-controlled: a value, or null with the reason it is
// withheld. These turn them into what the charts and tables show, reason and all.

const ONE_DECIMAL = { minimumFractionDigits: 1, maximumFractionDigits: 1 } as const;

export function formatPercent(value: number): string {
  return `${value.toLocaleString('en-GB', ONE_DECIMAL)}%`;
}

export function formatNumber(value: number, decimals = 1): string {
  return value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A count as published: the number, or why it is hidden. */
export function shownText(shown: Shown): string {
  return shown.value === null ? `Suppressed: ${reasonText(shown.reason)}` : shown.value.toLocaleString('en-GB');
}

/** A figure as a chart datum; proportions (0-1) become per cent. */
export function figureDatum(label: string, figure: Figure | undefined, scale = 1): ChartDatum {
  if (figure?.value == null) {
    return { label, value: null, suppressedReason: reasonText(figure?.withheld) };
  }
  return {
    label,
    value: figure.value * scale,
    lower: figure.lower == null ? null : figure.lower * scale,
    upper: figure.upper == null ? null : figure.upper * scale,
  };
}

export function countDatum(label: string, shown: Shown): ChartDatum {
  return shown.value === null
    ? { label, value: null, suppressedReason: reasonText(shown.reason) }
    : { label, value: shown.value };
}

/** One chart per measure: each group, then everyone ("All referrals"). */
export function engagementCharts(engagement: Engagement): {
  measure: string;
  data: ChartDatum[];
}[] {
  const rows: EngagementRow[] = [...engagement.rows, engagement.total];
  const label = (row: EngagementRow) =>
    row === engagement.total ? 'All referrals' : categoryLabel(engagement.by, row.category);
  return ['dna', 'opt_in', 'drop_out', 'length_of_stay', 'outcome_change'].map((measure) => {
    const scale = measureInfo(measure).kind === 'proportion' ? 100 : 1;
    return { measure, data: rows.map((row) => figureDatum(label(row), row.figures[measure], scale)) };
  });
}

export function referralData(engagement: Engagement): ChartDatum[] {
  return [
    ...engagement.rows.map((row) => countDatum(categoryLabel(engagement.by, row.category), row.referrals)),
    countDatum('All referrals', engagement.total.referrals),
  ];
}

/** How many figures of the analysis are suppressed or withheld (to say so above it). */
export function hiddenFigures(engagement: Engagement): number {
  return [...engagement.rows, engagement.total].reduce(
    (count, row) =>
      count +
      (row.referrals.value === null ? 1 : 0) +
      Object.values(row.figures).filter((f) => f.value === null).length,
    0,
  );
}

/**
 * Completeness rows, each field and group once (without a breakdown the service answers
 * each field's "all" row twice, as the group and as the total), least complete first
 * within the order the service gave.
 */
export function completenessRows(rows: readonly FieldCompleteness[]): FieldCompleteness[] {
  const seen = new Set<string>();
  const unique: FieldCompleteness[] = [];
  for (const row of rows) {
    const key = `${row.field}\u0000${row.group}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(row);
  }
  return unique;
}

/** Rows grouped by field, in first-seen order. */
export function byField(rows: readonly FieldCompleteness[]): [string, FieldCompleteness[]][] {
  const fields = new Map<string, FieldCompleteness[]>();
  for (const row of rows) fields.set(row.field, [...(fields.get(row.field) ?? []), row]);
  return [...fields.entries()];
}

/** The per cent not recorded of each field overall, as a chart. */
export function notRecordedData(rows: readonly FieldCompleteness[], label: (row: FieldCompleteness) => string): ChartDatum[] {
  return rows.map((row) => figureDatum(label(row), row.not_recorded_percent));
}

export function figureText(figure: Figure, format: (value: number) => string): string {
  return figure.value === null ? `Withheld: ${reasonText(figure.withheld)}` : format(figure.value);
}

export function intervalText(figure: Figure, format: (value: number) => string): string {
  return figure.value === null || figure.lower === null || figure.upper === null
    ? 'Not shown'
    : `${format(figure.lower)} to ${format(figure.upper)}`;
}

/** Observed/expected per group: above 1, more of the group than its share of the population. */
export function representationRatios(representation: Representation): ChartDatum[] {
  return representation.rows.map((row) => figureDatum(categoryLabel(representation.by, row.category), row.ratio));
}

/** The reference's groups nobody in the service belongs to, by name. */
export function absentGroupNames(representation: Representation): string[] {
  return representation.absent_groups.map((code) => categoryLabel(representation.by, code));
}

/** The service's verdict on a gap as a sentence; a withheld one says why it cannot be shown. */
export function verdictText(verdict: string): string {
  const sentence = verdict.trim().replace(/\.+$/, '');
  if (/^withheld:/i.test(sentence)) return `Whether the gap changed cannot be shown: ${reasonText(sentence).toLowerCase()}.`;
  return `${sentence}.`;
}
