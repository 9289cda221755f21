import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';

import { NotFoundOrNoAccess, ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import type { Me } from '@/lib/access';
import { isApiError } from '@/lib/api';
import { useInstrument, type InstrumentDefinition } from '@/lib/instruments';

import { useOrgAssessment, type OrgAssessment } from '../api/assessments';
import { changesBoardRecords } from '../lib/access';
import { instrumentName } from '../lib/labels';
import { boardPaths, INSTRUMENTS } from '../paths';

import { AnswersBySection } from './answers-by-section';
import { HeatView } from './heat-view';
import { OrganisationalForm } from './organisational-form';
import { ScorecardView } from './scorecard-view';
import { SelfAssessmentView } from './self-assessment-view';
import { SubjectLine } from './subject-line';
import { useStoredDraft } from './use-stored-draft';

/** May this person change this assessment? The service decides; this only chooses the page. */
export function mayChange(me: Me, assessment: OrgAssessment): boolean {
  if (me.organisation?.ods_code !== assessment.organisation_code) return false;
  return assessment.subject_type === 'programme' || changesBoardRecords(me);
}

/**
 * Loads an assessment with the definition of the version it was recorded with, and shows
 * the loading, not found (or no access) and error states itself.
 */
export function LoadAssessment({
  assessmentId,
  children,
}: {
  assessmentId: string;
  children: (assessment: OrgAssessment, definition: InstrumentDefinition) => ReactNode;
}) {
  const assessment = useOrgAssessment(assessmentId);
  const definition = useInstrument(
    assessment.data && {
      instrument: assessment.data.instrument,
      variant: assessment.data.variant,
      version: assessment.data.instrument_version,
    },
  );
  const failed = assessment.error ?? definition.error;
  if (failed) {
    if (isApiError(failed, 404)) return <NotFoundOrNoAccess what="assessment" />;
    return (
      <>
        <PageTitle title="This assessment could not be shown" />
        <h1 className="nhsuk-heading-l">This assessment could not be shown</h1>
        <ProblemSummary error={failed} />
      </>
    );
  }
  if (!assessment.isSuccess || !definition.isSuccess) {
    return <Loading label="Loading the assessment…" />;
  }
  return children(assessment.data, definition.data);
}

/** One assessment: its draft form for those who may change it, else what was submitted. */
export function AssessmentPage({ assessmentId, me }: { assessmentId: string; me: Me }) {
  return (
    <LoadAssessment assessmentId={assessmentId}>
      {(loaded, definition) => {
        const editable = mayChange(me, loaded);
        if (loaded.status === 'draft') {
          return editable ? (
            <DraftPage assessment={loaded} definition={definition} />
          ) : (
            <ReadOnlyDraft assessment={loaded} definition={definition} />
          );
        }
        switch (loaded.instrument) {
          case INSTRUMENTS.selfAssessment:
            return <SelfAssessmentView assessment={loaded} definition={definition} editable={editable} />;
          case INSTRUMENTS.assurance:
            return <ScorecardView assessment={loaded} definition={definition} editable={editable} />;
          case INSTRUMENTS.heat:
            return <HeatView assessment={loaded} definition={definition} editable={editable} />;
          default:
            return <SubmittedAnswers assessment={loaded} definition={definition} editable={editable} />;
        }
      }}
    </LoadAssessment>
  );
}

function DraftPage({
  assessment,
  definition,
}: {
  assessment: OrgAssessment;
  definition: InstrumentDefinition;
}) {
  const stored = useStoredDraft(assessment);
  const navigate = useNavigate();
  return (
    <OrganisationalForm
      definition={definition}
      initial={{ responses: assessment.responses, notes: assessment.item_notes }}
      withNotes={assessment.instrument === INSTRUMENTS.assurance}
      intro={<SubjectLine assessment={assessment} />}
      save={stored.save}
      submitLabel="Submit"
      submit={async () => {
        await stored.submit();
        await navigate({ search: '' }, { replace: true });
      }}
      leave={
        <p className="nhsuk-body">
          <Link to={boardPaths.home.href()}>Back to Board and HEAT (answers are saved on each step)</Link>
        </p>
      }
    />
  );
}

function ReadOnlyDraft({
  assessment,
  definition,
}: {
  assessment: OrgAssessment;
  definition: InstrumentDefinition;
}) {
  return (
    <>
      <PageTitle title={`${definition.title} (draft)`} />
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-m">{instrumentName(assessment.instrument)}</span>
        Draft: not yet submitted
      </h1>
      <SubjectLine assessment={assessment} />
      <p className="nhsuk-body">Results are shown once the draft is submitted.</p>
      <AnswersBySection definition={definition} responses={assessment.responses} />
    </>
  );
}

function SubmittedAnswers({
  assessment,
  definition,
  editable,
}: {
  assessment: OrgAssessment;
  definition: InstrumentDefinition;
  editable: boolean;
}) {
  return (
    <>
      <PageTitle title={definition.title} />
      <h1 className="nhsuk-heading-l">{definition.title}</h1>
      <SubjectLine assessment={assessment} editable={editable} />
      <AnswersBySection definition={definition} responses={assessment.responses} />
      <p className="nhsuk-body">
        <Link to={boardPaths.heatAudit.href()}>See the HEAT audit for your organisation</Link>
      </p>
    </>
  );
}
