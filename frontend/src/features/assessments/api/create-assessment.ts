import { useMutation, useQueryClient } from '@tanstack/react-query';

import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { newIdempotencyKey } from '../lib/idempotency-key';

import { assessmentQueryKey, type Assessment, type AssessmentCreate } from './types';

/** POST /api/scoring/people/{id}/assessments: starts a draft. */
export async function createAssessment(
  client: ScoringClient,
  personId: string,
  body: AssessmentCreate,
): Promise<Assessment> {
  const { data, error, response } = await client.POST(
    '/api/scoring/people/{person_id}/assessments',
    {
      params: { path: { person_id: personId } },
      body,
      // A retried request (a double press, a flaky network) starts one draft, not two, where
      // the service honours the header; it ignores headers it does not know.
      headers: { 'Idempotency-Key': newIdempotencyKey() },
    },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useCreateAssessment(personId: string) {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AssessmentCreate) => createAssessment(scoring, personId, body),
    onSuccess: (created) => {
      queryClient.setQueryData(assessmentQueryKey(created.id), created);
      void queryClient.invalidateQueries({ queryKey: ['scoring', 'people', personId] });
    },
  });
}
