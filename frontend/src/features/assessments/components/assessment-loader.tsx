import type { ReactNode } from 'react';

import { NotFoundOrNoAccess, ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import { isApiError } from '@/lib/api';
import {
  UnreadableDefinitionError,
  useInstrument,
  type InstrumentDefinition,
} from '@/lib/instruments';

import { useAssessment } from '../api/get-assessment';
import { useSubject } from '../api/get-subject';
import type { Assessment, Subject } from '../api/types';

export type LoadedAssessment = {
  assessment: Assessment;
  definition: InstrumentDefinition;
  /** Undefined while loading or if the person cannot be read; pages work without it. */
  subject: Subject | undefined;
};

/** A page of its own for a failed load: not found or no access, forbidden, or the service. */
export function LoadFailure({ error, what }: { error: unknown; what: string }) {
  if (isApiError(error, 404)) return <NotFoundOrNoAccess what={what} />;
  if (error instanceof UnreadableDefinitionError) {
    return (
      <>
        <PageTitle title={`This ${what} cannot be shown`} />
        <h1 className="nhsuk-heading-l">This {what} cannot be shown</h1>
        <p className="nhsuk-body">
          Its questions are in a form this version of Equitas cannot display. Nothing has been
          lost. Tell the Equitas administrator in your organisation.
        </p>
      </>
    );
  }
  return (
    <>
      <PageTitle title={`This ${what} could not be shown`} />
      <h1 className="nhsuk-heading-l">This {what} could not be shown</h1>
      <ProblemSummary error={error} />
    </>
  );
}

/**
 * Loads an assessment with the definition of the version it was recorded with (never the
 * newest), and the person it is about; renders loading and error states itself.
 */
export function AssessmentLoader({
  assessmentId,
  children,
}: {
  assessmentId: string;
  children: (loaded: LoadedAssessment) => ReactNode;
}) {
  const assessment = useAssessment(assessmentId);
  const definition = useInstrument(
    assessment.data && {
      instrument: assessment.data.instrument,
      variant: assessment.data.variant,
      version: assessment.data.instrument_version,
    },
  );
  const subject = useSubject(assessment.data?.person_id);

  if (assessment.isError) return <LoadFailure error={assessment.error} what="assessment" />;
  if (definition.isError) return <LoadFailure error={definition.error} what="assessment" />;
  if (assessment.isPending || definition.isPending) {
    return <Loading label="Loading the assessment…" />;
  }
  return children({
    assessment: assessment.data,
    definition: definition.data,
    subject: subject.data,
  });
}
