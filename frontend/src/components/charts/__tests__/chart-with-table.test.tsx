import { render, screen, within } from '@testing-library/react';
import { run as runAxe } from 'axe-core';
import { describe, expect, it } from 'vitest';

import { ChartWithTable } from '../chart-with-table';
import { scaleMax, type ChartDatum } from '../figures';

const DECILES: ChartDatum[] = [
  { label: '1 (most deprived)', value: 42, lower: 35, upper: 49 },
  { label: '2', value: 30, lower: 24, upper: 36 },
  { label: '3', value: null, suppressedReason: 'Fewer than 10 people' },
];

function renderChart() {
  return render(
    <ChartWithTable
      title="Assessed people by deprivation decile"
      valueLabel="People"
      data={DECILES}
      notes={['Counts below 10 are suppressed, with a second cell where needed.']}
    />,
  );
}

describe('ChartWithTable', () => {
  it('names the chart and points it at the table with the same figures', () => {
    renderChart();
    const chart = screen.getByRole('img', { name: /Assessed people by deprivation decile/ });
    expect(chart).toHaveAccessibleName(
      'Assessed people by deprivation decile (bar chart) The same figures are in the table “Assessed people by deprivation decile: figures”.',
    );
    const table = screen.getByRole('table', { name: 'Assessed people by deprivation decile: figures' });
    const rows = within(table).getAllByRole('row');
    expect(rows.map((row) => row.textContent)).toEqual([
      'GroupPeople95% confidence interval',
      'Group 1 (most deprived)People 4295% confidence interval 35 to 49',
      'Group 2People 3095% confidence interval 24 to 36',
      'Group 3People SuppressedFewer than 10 people95% confidence interval Not shown',
    ]);
  });

  it('draws a bar per figure on one scale, and a labelled placeholder for a suppressed one', () => {
    renderChart();
    const bars = document.querySelectorAll('rect.equitas-chart__bar');
    expect(bars).toHaveLength(2);
    const [first, second] = [...bars].map((bar) => Number(bar.getAttribute('width')));
    // 42 and 30 on a scale ending at the largest upper limit (49).
    expect((first ?? 0) / (second ?? 1)).toBeCloseTo(42 / 30, 5);
    expect(screen.getAllByTestId('chart-suppressed')).toHaveLength(1);
    const texts = [...document.querySelectorAll('text.equitas-chart__value')].map((t) => t.textContent);
    expect(texts).toEqual(['42', '30', 'Suppressed']);
    expect(document.querySelectorAll('line.equitas-chart__interval')).toHaveLength(2);
  });

  it('lists its caveats', () => {
    renderChart();
    expect(screen.getByText(/Counts below 10 are suppressed/)).toBeInTheDocument();
  });

  it('has no accessibility violations axe can find without a browser', async () => {
    const { container } = renderChart();
    const results = await runAxe(container, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] },
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(results.violations.map((v) => v.id)).toEqual([]);
  });

  it('scales to a given maximum, or to the largest figure shown', () => {
    expect(scaleMax(DECILES, 100)).toBe(100);
    expect(scaleMax([{ label: 'a', value: 5 }])).toBe(5);
    expect(scaleMax([{ label: 'a', value: null, suppressedReason: 'x' }])).toBe(1);
  });
});
