import { queryOptions, useQuery } from '@tanstack/react-query';

import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { assessmentQueryKey, type Assessment } from './types';

/** GET /api/scoring/assessments/{id}: one assessment, with its version for If-Match. */
export async function getAssessment(
  client: ScoringClient,
  assessmentId: string,
  signal?: AbortSignal,
): Promise<Assessment> {
  const { data, error, response } = await client.GET('/api/scoring/assessments/{assessment_id}', {
    params: { path: { assessment_id: assessmentId } },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getAssessmentQueryOptions = (client: ScoringClient, assessmentId: string) =>
  queryOptions({
    queryKey: assessmentQueryKey(assessmentId),
    queryFn: ({ signal }) => getAssessment(client, assessmentId, signal),
    // Read afresh each time a page opens (a colleague may have changed it), never in the
    // background while it is open: the form holds its own copy while editing.
    staleTime: Infinity,
    refetchOnMount: 'always',
  });

export function useAssessment(assessmentId: string) {
  const { scoring } = useApiClients();
  return useQuery(getAssessmentQueryOptions(scoring, assessmentId));
}
