import type { ReactNode } from 'react';

export type TableColumn<Row> = {
  header: string;
  cell: (row: Row) => ReactNode;
  /** Numbers line up on the right. */
  numeric?: boolean;
};

type ResponsiveTableProps<Row> = {
  caption: string;
  /** Shown to everyone, or only to screen readers when the page heading says it already. */
  captionHidden?: boolean;
  columns: readonly TableColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** The first column names the row (a row header). */
  firstCellIsHeader?: boolean;
  testId?: string;
};

/**
 * NHS.UK responsive table: a table on wide screens; on narrow ones (down to 320 CSS px)
 * each row becomes a stacked card with its column names, so nothing scrolls sideways.
 * The explicit roles keep the table semantics that the stacking CSS would otherwise drop.
 */
export function ResponsiveTable<Row>({
  caption,
  captionHidden = false,
  columns,
  rows,
  rowKey,
  firstCellIsHeader = false,
  testId,
}: ResponsiveTableProps<Row>) {
  return (
    <table className="nhsuk-table nhsuk-table--responsive" role="table" data-testid={testId}>
      <caption
        className={captionHidden ? 'nhsuk-u-visually-hidden' : 'nhsuk-table__caption'}
      >
        {caption}
      </caption>
      {/* eslint-disable-next-line jsx-a11y/no-redundant-roles -- kept when CSS stacks the rows */}
      <thead className="nhsuk-table__head" role="rowgroup">
        <tr className="nhsuk-table__row" role="row">
          {columns.map((column) => (
            <th
              key={column.header}
              scope="col"
              role="columnheader"
              className={`nhsuk-table__header${column.numeric ? ' nhsuk-table__header--numeric' : ''}`}
            >
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {rows.map((row) => (
          <tr className="nhsuk-table__row" role="row" key={rowKey(row)}>
            {columns.map((column, index) => {
              const content = (
                <>
                  <span className="nhsuk-table__heading" aria-hidden="true">
                    {column.header}{' '}
                  </span>
                  <span>{column.cell(row)}</span>
                </>
              );
              const numeric = column.numeric ? ' nhsuk-table__cell--numeric' : '';
              return firstCellIsHeader && index === 0 ? (
                <th
                  key={column.header}
                  scope="row"
                  role="rowheader"
                  className={`nhsuk-table__header${numeric}`}
                >
                  {content}
                </th>
              ) : (
                // eslint-disable-next-line jsx-a11y/no-interactive-element-to-noninteractive-role -- a cell is not interactive; the role survives the stacking CSS
                <td key={column.header} role="cell" className={`nhsuk-table__cell${numeric}`}>
                  {content}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
