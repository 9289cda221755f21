/** One figure of a chart and its table: a category and its value, or why it is hidden. */
export type ChartDatum = {
  label: string;
  /** null when the figure is suppressed. */
  value: number | null;
  /** A confidence interval, drawn as a line across the bar and listed in the table. */
  lower?: number | null;
  upper?: number | null;
  /** Why the figure is not shown, e.g. "Fewer than 10 people" (disclosure control). */
  suppressedReason?: string;
};

export function isSuppressed(datum: ChartDatum): boolean {
  return datum.value === null || datum.suppressedReason !== undefined;
}

/** The scale's end: the given maximum, else the largest value or upper limit shown. */
export function scaleMax(data: readonly ChartDatum[], max?: number): number {
  if (max !== undefined && max > 0) return max;
  const shown = data
    .filter((d) => !isSuppressed(d))
    .flatMap((d) => [d.value ?? 0, d.upper ?? 0]);
  const largest = Math.max(0, ...shown);
  return largest > 0 ? largest : 1;
}

/** A share of the scale, kept between 0 and 1 (negative values draw no bar). */
export function fraction(value: number, max: number): number {
  return Math.min(1, Math.max(0, value / max));
}
