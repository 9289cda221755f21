import { Link } from 'react-router';

import './organisational.scss';

import { ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { Tag } from '@/components/ui/tag';
import { useApiClients } from '@/lib/api';
import { formatDate } from '@/lib/format';
import type { InstrumentDefinition } from '@/lib/instruments';

import type { OrgAssessment } from '../api/assessments';
import { downloadReport } from '../api/reports';
import {
  useScorecard,
  useScorecardsOverTime,
  type Rating,
  type RollUp,
  type Scorecard,
  type ScorecardOverTime,
} from '../api/scorecards';
import { tagColour } from '../lib/labels';
import { countsInWords, gridOf, shortLabel } from '../lib/scorecard-grid';
import { boardPaths } from '../paths';

import { DownloadReport } from './download-report';
import { SubjectLine } from './subject-line';

/** A rating as a word in a coloured tag: the colour is never the only signal. */
export function RatingTag({ rating }: { rating: Rating | null | undefined }) {
  if (rating == null) return <>Not rated</>;
  return <Tag colour={tagColour(rating.colour)}>{rating.label}</Tag>;
}

/**
 * A submitted board assurance scorecard: the 40 cells at a glance (key lines of enquiry by
 * national priority, each row's roll-up at its end, each priority's in the last row), the
 * roll-ups with their counts, every cell's prompt with its evidence and action notes, and
 * the organisation's scorecards over time.
 */
export function ScorecardView({
  assessment,
  definition,
  editable,
}: {
  assessment: OrgAssessment;
  definition: InstrumentDefinition;
  editable: boolean;
}) {
  const { reporting } = useApiClients();
  const card = useScorecard(assessment.id);
  return (
    <>
      <PageTitle title="Board assurance scorecard" />
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-m">{definition.title}</span>
        Scorecard at a glance
      </h1>
      <SubjectLine assessment={assessment} editable={editable} />
      <DownloadReport
        label="Download the scorecard (PDF)"
        fileName={`board-assurance-scorecard-${assessment.assessed_on}.pdf`}
        fetchPdf={() => downloadReport(reporting, 'board-assurance-scorecard', assessment.id)}
      />
      {card.isPending && <Loading label="Loading the scorecard…" />}
      {card.isError && <ProblemSummary error={card.error} />}
      {card.isSuccess && <ScorecardBody card={card.data} />}
      <ScorecardsOverTime ods={assessment.organisation_code} current={assessment.id} />
      <p className="nhsuk-body">
        <Link to={boardPaths.home.href()}>Back to Board and HEAT</Link>
      </p>
    </>
  );
}

type GlanceRow = { code: string; label: string; ratings: (Rating | null | undefined)[]; rollUp: RollUp };

function ScorecardBody({ card }: { card: Scorecard }) {
  const grid = gridOf(card);
  const rows: GlanceRow[] = [
    ...grid.rows.map((row) => ({
      code: row.code,
      label: row.label,
      ratings: row.cells.map((cell) => cell?.rating),
      rollUp: row.rollUp,
    })),
    {
      code: 'by-priority',
      label: 'Roll-up by priority',
      ratings: grid.columns.map((column) => column.rating),
      rollUp: grid.overall,
    },
  ];
  return (
    <>
      <p className="nhsuk-body">
        Overall: <RatingTag rating={card.overall.rating} /> ({countsInWords(card.overall.counts)}).
        A roll-up is the lowest rating among the cells assessed in it.
      </p>
      <div className="equitas-scorecard">
        <ResponsiveTable
          caption="Scorecard: each key line of enquiry against each national priority"
          testId="scorecard-table"
          firstCellIsHeader
          rows={rows}
          rowKey={(row) => row.code}
          columns={[
            { header: 'Key line of enquiry', cell: (row) => row.label },
            ...grid.columns.map((column, index) => ({
              header: column.label,
              cell: (row: GlanceRow) => <RatingTag rating={row.ratings[index]} />,
            })),
            {
              header: 'Roll-up',
              cell: (row: GlanceRow) => <RatingTag rating={row.rollUp.rating} />,
            },
          ]}
        />
      </div>
      <h2 className="nhsuk-heading-m">Roll-ups</h2>
      <RollUpTable caption="By key line of enquiry" rollUps={card.rows} testId="rollup-rows" />
      <RollUpTable caption="By national priority" rollUps={card.columns} testId="rollup-columns" />
      <h2 className="nhsuk-heading-m">Each cell, with evidence and actions</h2>
      {grid.rows.map((row) => (
        <details className="nhsuk-details" key={row.code}>
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">{row.label}</span>
          </summary>
          <div className="nhsuk-details__text">
            <dl className="nhsuk-summary-list">
              {row.cells.map((cell, index) =>
                cell === undefined ? null : (
                  <div className="nhsuk-summary-list__row" key={cell.item_id}>
                    <dt className="nhsuk-summary-list__key">
                      {grid.columns[index]?.label}: {cell.prompt}
                    </dt>
                    <dd className="nhsuk-summary-list__value">
                      <RatingTag rating={cell.rating} />
                      {cell.evidence && (
                        <p className="nhsuk-body-s equitas-board-note">Evidence: {cell.evidence}</p>
                      )}
                      {cell.action && (
                        <p className="nhsuk-body-s equitas-board-note">Action: {cell.action}</p>
                      )}
                    </dd>
                  </div>
                ),
              )}
            </dl>
          </div>
        </details>
      ))}
    </>
  );
}

function RollUpTable({
  caption,
  rollUps,
  testId,
}: {
  caption: string;
  rollUps: readonly RollUp[];
  testId: string;
}) {
  return (
    <ResponsiveTable
      caption={caption}
      testId={testId}
      firstCellIsHeader
      rows={rollUps}
      rowKey={(rollUp) => rollUp.code}
      columns={[
        { header: 'Part', cell: (rollUp) => rollUp.label },
        { header: 'Roll-up', cell: (rollUp) => <RatingTag rating={rollUp.rating} /> },
        { header: 'Cells', cell: (rollUp) => countsInWords(rollUp.counts) },
      ]}
    />
  );
}

/** Every submitted scorecard's roll-ups, oldest first: repeated over time. */
function ScorecardsOverTime({ ods, current }: { ods: string; current: string }) {
  const over = useScorecardsOverTime(ods);
  return (
    <section aria-labelledby="over-time-heading">
      <h2 className="nhsuk-heading-m" id="over-time-heading">
        Scorecards over time
      </h2>
      {over.isPending && <Loading label="Loading earlier scorecards…" />}
      {over.isError && <ProblemSummary error={over.error} />}
      {over.isSuccess && (
        <ResponsiveTable
          caption="Each submitted scorecard's roll-up overall and by key line of enquiry (K1 to K8, as above), oldest first"
          testId="scorecards-over-time"
          firstCellIsHeader
          rows={over.data}
          rowKey={(card) => card.assessment_id}
          columns={[
            {
              header: 'Assessed on',
              cell: (card) =>
                card.assessment_id === current ? (
                  `${formatDate(card.assessed_on)} (this one)`
                ) : (
                  <Link to={boardPaths.assessment.href(card.assessment_id)}>
                    {formatDate(card.assessed_on)}
                  </Link>
                ),
            },
            { header: 'Overall', cell: (card) => <RatingTag rating={card.overall.rating} /> },
            ...(over.data[0]?.rows ?? []).map((row) => ({
              header: shortLabel(row.label),
              cell: (card: ScorecardOverTime) => (
                <RatingTag rating={card.rows.find((r) => r.code === row.code)?.rating} />
              ),
            })),
          ]}
        />
      )}
    </section>
  );
}
