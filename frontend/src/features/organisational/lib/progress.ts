import type { DomainResult, YearLevels } from '../api/board';

/*
 * Progress over the years side by side: one row per domain (and overall), one column per
 * year, each cell that year's maturity level and score. A domain a year's version did not
 * have is left empty rather than guessed.
 */

export type ProgressRow = {
  domain: string;
  title: string;
  byYear: (DomainResult | undefined)[];
};

export function progressRows(years: readonly YearLevels[]): ProgressRow[] {
  const titles = new Map<string, string>();
  for (const year of years) {
    for (const [domain, result] of Object.entries(year.domains)) {
      if (!titles.has(domain)) titles.set(domain, result.title);
    }
  }
  const rows: ProgressRow[] = [...titles].map(([domain, title]) => ({
    domain,
    title,
    byYear: years.map((year) => year.domains[domain]),
  }));
  rows.push({ domain: 'overall', title: 'Overall', byYear: years.map((year) => year.overall) });
  return rows;
}
