import { toApiError, type ScoringClient } from '@/lib/api';

import { newIdempotencyKey } from '../lib/idempotency-key';

import { etagFor, type Assessment } from './types';

/** POST /api/scoring/assessments/{id}/submit with If-Match: checks, scores and submits. */
export async function submitAssessment(
  client: ScoringClient,
  assessmentId: string,
  version: number,
): Promise<Assessment> {
  const { data, error, response } = await client.POST(
    '/api/scoring/assessments/{assessment_id}/submit',
    {
      params: { path: { assessment_id: assessmentId }, header: { 'if-match': etagFor(version) } },
      headers: { 'Idempotency-Key': newIdempotencyKey() },
    },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}
