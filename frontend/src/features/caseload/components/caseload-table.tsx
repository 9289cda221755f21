import { Link } from 'react-router';

import { ResponsiveTable, type TableColumn } from '@/components/ui/responsive-table';
import { Tag } from '@/components/ui/tag';
import { paths } from '@/config/paths';
import { episodeLabel, formatDate, todayInEngland } from '@/lib/format';

import type { PersonSummary } from '../api/get-caseload';
import { formatNhsNumber } from '../lib/search-terms';

function LastAssessment({ person }: { person: PersonSummary }) {
  const last = person.last_assessment;
  if (last === null || last === undefined) return <>None yet</>;
  return (
    <>
      {episodeLabel(last.episode_type)}, {formatDate(last.assessed_on)}
      {last.status === 'draft' && (
        <>
          {' '}
          <Tag colour="grey">Draft</Tag>
        </>
      )}
    </>
  );
}

export function ReviewDue({ due, today }: { due: string | null | undefined; today: string }) {
  if (due === null || due === undefined) return <>Not set</>;
  // ISO dates compare as text.
  return due < today ? (
    <>
      {formatDate(due)} <Tag colour="red">Overdue</Tag>
    </>
  ) : (
    <>{formatDate(due)}</>
  );
}

/** People on the caseload: who, their last assessment, when a review is due. */
export function CaseloadTable({
  people,
  caption,
  teamName = (code) => code,
}: {
  people: readonly PersonSummary[];
  caption: string;
  /** A team's name from its code, for the caller's own teams. */
  teamName?: (code: string) => string;
}) {
  const today = todayInEngland();
  const columns: TableColumn<PersonSummary>[] = [
    {
      header: 'Name',
      cell: (p) => (
        <Link to={paths.person.getHref(p.id)}>
          {p.family_name.toUpperCase()}, {p.given_name}
        </Link>
      ),
    },
    { header: 'NHS number', cell: (p) => formatNhsNumber(p.nhs_number) },
    { header: 'Date of birth', cell: (p) => formatDate(p.birth_date) },
    { header: 'Last assessment', cell: (p) => <LastAssessment person={p} /> },
    { header: 'Review due', cell: (p) => <ReviewDue due={p.review_due} today={today} /> },
    { header: 'Teams', cell: (p) => p.teams.map(teamName).join(', ') },
  ];
  return (
    <ResponsiveTable
      caption={caption}
      columns={columns}
      rows={people}
      rowKey={(p) => p.id}
      testId="caseload-table"
    />
  );
}
