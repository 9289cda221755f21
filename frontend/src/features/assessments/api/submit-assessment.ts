import { toApiError, type ScoringClient } from '@/lib/api';

import { withRetries } from '../lib/safe-retry';

import { etagFor, type Assessment } from './types';

/**
 * POST /api/scoring/assessments/{id}/submit with If-Match: checks, scores and submits. One
 * Idempotency-Key per press of Submit, reused by the retries, so a submit whose answer was
 * lost is answered, on retry, with the first answer rather than "not a draft any more".
 */
export function submitAssessment(
  client: ScoringClient,
  assessmentId: string,
  version: number,
  idempotencyKey: string,
): Promise<Assessment> {
  return withRetries(async () => {
    const { data, error, response } = await client.POST(
      '/api/scoring/assessments/{assessment_id}/submit',
      {
        params: {
          path: { assessment_id: assessmentId },
          header: { 'if-match': etagFor(version) },
        },
        headers: { 'Idempotency-Key': idempotencyKey },
      },
    );
    if (data === undefined) throw toApiError(response, error);
    return data;
  });
}
