import type { ReactNode } from 'react';

import { ResponsiveTable } from '@/components/ui/responsive-table';
import { Tag } from '@/components/ui/tag';

import type { BoardResults, DomainResult, LibraryObjective } from '../api/board';
import { maturityColour, percent, roleLabel } from '../lib/labels';

export function MaturityTag({ result }: { result: DomainResult | undefined }) {
  if (result?.maturity_level == null) return <>Not answered</>;
  return (
    <Tag colour={maturityColour(result.maturity_level.code)}>{result.maturity_level.label}</Tag>
  );
}

/**
 * The board self-assessment's results, the same for a stored and a private session: score
 * and maturity level per domain and overall (a table; the level is a word as well as a
 * colour), then the suggested objectives, priority ones first and marked.
 */
export function BoardResultsView({
  results,
  objectiveAction,
}: {
  results: BoardResults;
  /** Stored sessions: "Adopt this objective" beside each one. */
  objectiveAction?: (objective: LibraryObjective) => ReactNode;
}) {
  const rows = [...results.domains, results.overall];
  return (
    <>
      <h2 className="nhsuk-heading-m">Maturity by domain</h2>
      <ResponsiveTable
        caption="Score and maturity level for each domain and overall"
        testId="maturity-table"
        firstCellIsHeader
        rows={rows}
        rowKey={(row) => row.domain}
        columns={[
          { header: 'Domain', cell: (row) => row.title },
          { header: 'Score (% of maximum)', cell: (row) => percent(row.score), numeric: true },
          { header: 'Maturity level', cell: (row) => <MaturityTag result={row} /> },
          {
            header: 'Questions answered',
            cell: (row) => `${String(row.answered)} of ${String(row.total)}`,
            numeric: true,
          },
        ]}
      />
      <h2 className="nhsuk-heading-m">Suggested objectives</h2>
      {results.suggested_objectives.length === 0 ? (
        <p className="nhsuk-body">
          No objectives are suggested for these answers. Answer more questions to see
          objectives for each domain.
        </p>
      ) : (
        <>
          <p className="nhsuk-body">
            Chosen for your maturity level in each domain. Objectives marked
            &quot;Priority&quot; are the guide&apos;s priorities for trusts starting out.
          </p>
          <ul className="nhsuk-list nhsuk-list--border" data-testid="suggested-objectives">
            {results.suggested_objectives.map((objective) => (
              <li key={objective.ref}>
                <p className="nhsuk-body nhsuk-u-margin-bottom-2">
                  <strong>{objective.ref}</strong> {objective.text}{' '}
                  {objective.priority && <Tag colour="blue">Priority</Tag>}
                </p>
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
                  Domain: {results.domains.find((d) => d.domain === objective.domain)?.title ?? objective.domain}.
                  Usually taken forward by: {roleLabel(objective.board_role)}
                </p>
                {objectiveAction?.(objective)}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
