import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import { useApiClients } from '@/lib/api';
import type { InstrumentDefinition } from '@/lib/instruments';

import type { OrgAssessment } from '../api/assessments';
import { useBoardResults, useObjectives } from '../api/board';
import { downloadReport } from '../api/reports';
import { boardPaths } from '../paths';

import { AnswersBySection } from './answers-by-section';
import { BoardResultsView } from './board-results-view';
import { DownloadReport } from './download-report';
import { AdoptObjective, ObjectivesPanel } from './objectives-panel';
import { ProgressByYear } from './progress-by-year';
import { SubjectLine } from './subject-line';

/**
 * A submitted board self-assessment: maturity per domain and overall, the suggested
 * objectives (each can be adopted and assigned to a board role), the objectives adopted
 * with their actions, and progress over the years side by side.
 */
export function SelfAssessmentView({
  assessment,
  definition,
  editable,
}: {
  assessment: OrgAssessment;
  definition: InstrumentDefinition;
  editable: boolean;
}) {
  const { reporting } = useApiClients();
  const results = useBoardResults(assessment.id);
  const objectives = useObjectives(assessment.organisation_code);
  const adopted = new Set(objectives.data?.adopted.map((o) => o.ref) ?? []);
  return (
    <>
      <PageTitle title="Board self-assessment results" />
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-m">{definition.title}</span>
        Results
      </h1>
      <SubjectLine assessment={assessment} editable={editable} />
      <DownloadReport
        label="Download the results (PDF)"
        fileName={`board-self-assessment-${assessment.assessed_on}.pdf`}
        fetchPdf={() => downloadReport(reporting, 'board-self-assessment', assessment.id)}
      />
      {results.isPending && <Loading label="Working out the results…" />}
      {results.isError && <ProblemSummary error={results.error} />}
      {results.isSuccess && (
        <BoardResultsView
          results={results.data}
          objectiveAction={(objective) =>
            adopted.has(objective.ref) ? (
              <p className="nhsuk-body-s">The board has adopted this objective.</p>
            ) : editable && objectives.isSuccess ? (
              <AdoptObjective
                ods={assessment.organisation_code}
                objective={objective}
                sourceAssessmentId={assessment.id}
              />
            ) : null
          }
        />
      )}
      <ObjectivesPanel ods={assessment.organisation_code} editable={editable} />
      <ProgressByYear ods={assessment.organisation_code} current={assessment.id} />
      <AnswersBySection definition={definition} responses={assessment.responses} />
      <p className="nhsuk-body">
        <Link to={boardPaths.home.href()}>Back to Board and HEAT</Link>
      </p>
    </>
  );
}
