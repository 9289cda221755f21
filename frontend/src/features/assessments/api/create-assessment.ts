import { useMutation, useQueryClient } from '@tanstack/react-query';

import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { withRetries } from '../lib/safe-retry';

import { assessmentQueryKey, type Assessment, type AssessmentCreate } from './types';

/**
 * POST /api/scoring/people/{id}/assessments: starts a draft. Sent again with the same
 * Idempotency-Key when there was no answer or the service was busy: one draft, not two.
 */
export function createAssessment(
  client: ScoringClient,
  personId: string,
  body: AssessmentCreate,
  idempotencyKey: string,
): Promise<Assessment> {
  return withRetries(async () => {
    const { data, error, response } = await client.POST(
      '/api/scoring/people/{person_id}/assessments',
      {
        params: { path: { person_id: personId } },
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
      },
    );
    if (data === undefined) throw toApiError(response, error);
    return data;
  });
}

export function useCreateAssessment(personId: string) {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: AssessmentCreate; idempotencyKey: string }) =>
      createAssessment(scoring, personId, body, idempotencyKey),
    onSuccess: (created) => {
      queryClient.setQueryData(assessmentQueryKey(created.id), created);
      void queryClient.invalidateQueries({ queryKey: ['scoring', 'people', personId] });
    },
  });
}
