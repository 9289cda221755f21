import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { Tag } from '@/components/ui/tag';
import { useApiClients } from '@/lib/api';
import { formatDate, todayInEngland } from '@/lib/format';
import type { InstrumentDefinition } from '@/lib/instruments';

import type { OrgAssessment } from '../api/assessments';
import { useHeatActionChanges, useOrganisationActions, useStages } from '../api/heat-assessments';
import { downloadReport } from '../api/reports';
import { boardPaths, INSTRUMENTS } from '../paths';

import { ActionTable, AddActionForm } from './action-list';
import { AnswersBySection } from './answers-by-section';
import { DownloadReport } from './download-report';
import { SubjectLine } from './subject-line';

/**
 * A submitted HEAT assessment of a project or programme: how far each of the four stages
 * went, when the review is due, and the actions with their owners and due dates.
 */
export function HeatView({
  assessment,
  definition,
  editable,
}: {
  assessment: OrgAssessment;
  definition: InstrumentDefinition;
  editable: boolean;
}) {
  const { reporting } = useApiClients();
  const stages = useStages(assessment.id);
  const actions = useOrganisationActions(assessment.organisation_code);
  const changes = useHeatActionChanges(assessment.organisation_code, assessment.id);
  const mine = (actions.data ?? []).filter((action) => action.assessment_id === assessment.id);
  const due = assessment.review_due_on;
  const overdue = due !== null && due < todayInEngland();
  return (
    <>
      <PageTitle title="HEAT assessment" />
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-m">{definition.title}</span>
        HEAT assessment
      </h1>
      <SubjectLine assessment={assessment} editable={editable} />
      <DownloadReport
        label="Download the HEAT summary (PDF)"
        fileName={`heat-summary-${assessment.assessed_on}.pdf`}
        fetchPdf={() => downloadReport(reporting, 'heat-summary', assessment.id)}
      />
      <p className="nhsuk-body" data-testid="review-due">
        {due === null ? (
          'No review date was set.'
        ) : (
          <>
            Review due: {formatDate(due)} {overdue && <Tag colour="red">Overdue</Tag>}
          </>
        )}
      </p>
      {editable && assessment.project_id !== null && (
        <p className="nhsuk-body">
          <Link to={boardPaths.start.href(INSTRUMENTS.heat, assessment.project_id)}>
            Start the review of this project
          </Link>
        </p>
      )}
      <h2 className="nhsuk-heading-m">Stages</h2>
      {stages.isPending && <Loading label="Loading the stages…" />}
      {stages.isError && <ProblemSummary error={stages.error} />}
      {stages.isSuccess && (
        <ResponsiveTable
          caption="How far each stage went"
          testId="stages-table"
          firstCellIsHeader
          rows={stages.data}
          rowKey={(stage) => stage.stage}
          columns={[
            { header: 'Stage', cell: (stage) => stage.title },
            {
              header: 'Prompts answered',
              cell: (stage) => `${String(stage.answered)} of ${String(stage.total)}`,
              numeric: true,
            },
            { header: 'Not yet done', cell: (stage) => String(stage.not_yet), numeric: true },
            {
              header: 'Completed',
              cell: (stage) =>
                stage.completed ? <Tag colour="green">Completed</Tag> : <Tag colour="grey">Not completed</Tag>,
            },
          ]}
        />
      )}
      <h2 className="nhsuk-heading-m">Actions</h2>
      {actions.isPending && <Loading label="Loading the actions…" />}
      {actions.isError && <ProblemSummary error={actions.error} />}
      {changes.update.isError && <ProblemSummary error={changes.update.error} />}
      {actions.isSuccess && (
        <ActionTable
          actions={mine}
          caption="Actions to reduce the inequalities found"
          busy={changes.update.isPending}
          onDone={
            editable
              ? (action) => changes.update.mutateAsync({ action, body: { status: 'done' } })
              : undefined
          }
        />
      )}
      {editable && (
        <>
          <h3 className="nhsuk-heading-s">Add an action</h3>
          <AddActionForm idPrefix="heat-action" onAdd={(body) => changes.add.mutateAsync(body)} />
        </>
      )}
      <AnswersBySection definition={definition} responses={assessment.responses} />
      <p className="nhsuk-body">
        <Link to={boardPaths.heatAudit.href()}>See the HEAT audit for your organisation</Link>
      </p>
    </>
  );
}
