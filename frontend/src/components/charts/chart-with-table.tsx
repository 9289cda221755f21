import './chart-with-table.scss';

import { useEffect, useId, useRef, useState } from 'react';

import { ResponsiveTable, type TableColumn } from '@/components/ui/responsive-table';

import { fraction, isSuppressed, scaleMax, type ChartDatum } from './figures';

type ChartWithTableProps = {
  /** The heading of the figure, e.g. "Assessed people by deprivation decile". */
  title: string;
  data: readonly ChartDatum[];
  /** What the values are, e.g. "People" or "Mean score": the table's column heading. */
  valueLabel: string;
  /** How a value is written (in the chart and the table); defaults to en-GB numbers. */
  formatValue?: (value: number) => string;
  /** The end of the scale (e.g. 100 for percentages); the largest figure otherwise. */
  max?: number;
  /** Caveats shown under the figure (e.g. how small numbers are suppressed). */
  notes?: readonly string[];
  headingLevel?: 2 | 3;
};

const LABEL_HEIGHT = 22;
const BAR_HEIGHT = 24;
const ROW_GAP = 14;
const VALUE_WIDTH = 120;
const DEFAULT_WIDTH = 640;

const defaultFormat = (value: number) => value.toLocaleString('en-GB');

/** The chart's drawn width in CSS pixels, so text is drawn at its real size at any width. */
function useWidth() {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useEffect(() => {
    const element = ref.current;
    if (element === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry !== undefined && entry.contentRect.width > 0) {
        setWidth(Math.floor(entry.contentRect.width));
      }
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, []);
  return { ref, width };
}

/**
 * A bar chart with the same figures in a table beside it (below it on narrow screens).
 *
 * The chart is an SVG with a title and a description naming the table, so screen reader
 * users are pointed at the figures rather than read a picture; the table is the full
 * accessible version. Suppressed figures draw a hatched, labelled placeholder (never an
 * empty bar that could read as zero) and the table says "Suppressed" with the reason.
 * Labels sit above their bars and the drawing follows the container's width, so nothing
 * scrolls sideways at 320 CSS px and text stays at its normal size.
 */
export function ChartWithTable({
  title,
  data,
  valueLabel,
  formatValue = defaultFormat,
  max,
  notes = [],
  headingLevel = 2,
}: ChartWithTableProps) {
  const id = useId();
  const { ref, width } = useWidth();
  const end = scaleMax(data, max);
  const barWidth = Math.max(40, width - VALUE_WIDTH);
  const rowHeight = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP;
  const height = data.length * rowHeight;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const tableCaption = `${title}: figures`;
  const hasInterval = data.some((d) => d.lower != null && d.upper != null);
  // One pattern per chart: ids must be unique on the page.
  const hatchId = `${id.replace(/[^A-Za-z0-9_-]/g, '')}-hatch`;

  const columns: TableColumn<ChartDatum>[] = [
    { header: 'Group', cell: (d) => d.label },
    {
      header: valueLabel,
      numeric: true,
      cell: (d) =>
        isSuppressed(d) ? (
          <>
            <strong>Suppressed</strong>
            <span className="nhsuk-u-display-block nhsuk-body-s nhsuk-u-margin-bottom-0">
              {d.suppressedReason ?? 'Not shown'}
            </span>
          </>
        ) : (
          formatValue(d.value ?? 0)
        ),
    },
  ];
  if (hasInterval) {
    columns.push({
      header: '95% confidence interval',
      numeric: true,
      cell: (d) =>
        isSuppressed(d) || d.lower == null || d.upper == null
          ? 'Not shown'
          : `${formatValue(d.lower)} to ${formatValue(d.upper)}`,
    });
  }

  return (
    <section className="equitas-chart-with-table" aria-labelledby={`${id}-heading`}>
      <Heading
        className={`equitas-chart-with-table__title nhsuk-heading-${headingLevel === 2 ? 'm' : 's'}`}
        id={`${id}-heading`}
      >
        {title}
      </Heading>
      <figure className="equitas-chart" ref={ref}>
        <svg
          className="equitas-chart__svg"
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          viewBox={`0 0 ${String(width)} ${String(height)}`}
          width={width}
          height={height}
          data-testid="chart-svg"
        >
          <title id={`${id}-title`}>{`${title} (bar chart)`}</title>
          <desc id={`${id}-desc`}>{`The same figures are in the table “${tableCaption}”.`}</desc>
          <defs>
            <pattern id={hatchId} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <line className="equitas-chart__hatch-line" x1="0" y1="0" x2="0" y2="8" />
            </pattern>
          </defs>
          {data.map((d, index) => {
            const top = index * rowHeight;
            const barTop = top + LABEL_HEIGHT;
            const suppressed = isSuppressed(d);
            const length = suppressed ? 0 : fraction(d.value ?? 0, end) * barWidth;
            return (
              <g key={d.label} data-testid="chart-row">
                <text className="equitas-chart__label" x={0} y={top + 16}>
                  {d.label}
                </text>
                <rect className="equitas-chart__track" x={0.5} y={barTop + 0.5} width={barWidth - 1} height={BAR_HEIGHT - 1} />
                {suppressed ? (
                  <rect className="equitas-chart__suppressed" x={0.5} y={barTop + 0.5} width={barWidth - 1} height={BAR_HEIGHT - 1} fill={`url(#${hatchId})`} data-testid="chart-suppressed" />
                ) : (
                  <rect className="equitas-chart__bar" x={0} y={barTop} width={length} height={BAR_HEIGHT} />
                )}
                {!suppressed && d.lower != null && d.upper != null && (
                  <line
                    className="equitas-chart__interval"
                    x1={fraction(d.lower, end) * barWidth}
                    x2={fraction(d.upper, end) * barWidth}
                    y1={barTop + BAR_HEIGHT / 2}
                    y2={barTop + BAR_HEIGHT / 2}
                  />
                )}
                <text className="equitas-chart__value" x={barWidth + 8} y={barTop + 17}>
                  {suppressed ? 'Suppressed' : formatValue(d.value ?? 0)}
                </text>
              </g>
            );
          })}
        </svg>
      </figure>
      <div className="equitas-chart-table">
        <ResponsiveTable caption={tableCaption} columns={columns} rows={data} rowKey={(d) => d.label} firstCellIsHeader />
        {notes.length > 0 && (
          <ul className="nhsuk-list nhsuk-body-s">
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
