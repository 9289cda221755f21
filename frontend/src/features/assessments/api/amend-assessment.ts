import { useMutation, useQueryClient } from '@tanstack/react-query';

import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { assessmentQueryKey, etagFor, type Assessment, type AssessmentAmend } from './types';

/** POST /api/scoring/assessments/{id}/amend with If-Match: a new revision with a reason. */
export async function amendAssessment(
  client: ScoringClient,
  assessmentId: string,
  version: number,
  body: AssessmentAmend,
): Promise<Assessment> {
  const { data, error, response } = await client.POST(
    '/api/scoring/assessments/{assessment_id}/amend',
    {
      params: { path: { assessment_id: assessmentId }, header: { 'if-match': etagFor(version) } },
      body,
    },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useAmendAssessment(assessmentId: string) {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ version, body }: { version: number; body: AssessmentAmend }) =>
      amendAssessment(scoring, assessmentId, version, body),
    onSuccess: (amended) => {
      queryClient.setQueryData(assessmentQueryKey(assessmentId), amended);
      void queryClient.invalidateQueries({ queryKey: revisionsQueryKey(assessmentId) });
      void queryClient.invalidateQueries({ queryKey: ['scoring', 'people', amended.person_id] });
    },
  });
}

export const revisionsQueryKey = (assessmentId: string) =>
  [...assessmentQueryKey(assessmentId), 'revisions'] as const;
