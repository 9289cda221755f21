import { toApiError, type ScoringClient } from '@/lib/api';

import { etagFor, type Assessment, type AssessmentUpdate } from './types';

/**
 * PATCH /api/scoring/assessments/{id} with If-Match: saves a draft's changes. Answers are
 * merged by the service (null removes one). A stale version is a 412 (ApiError).
 */
export async function updateAssessment(
  client: ScoringClient,
  assessmentId: string,
  version: number,
  body: AssessmentUpdate,
): Promise<Assessment> {
  const { data, error, response } = await client.PATCH(
    '/api/scoring/assessments/{assessment_id}',
    {
      params: { path: { assessment_id: assessmentId }, header: { 'if-match': etagFor(version) } },
      body,
    },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}
