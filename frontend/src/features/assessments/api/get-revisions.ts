import { queryOptions, useQuery } from '@tanstack/react-query';

import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { revisionsQueryKey } from './amend-assessment';
import type { Revision } from './types';

/** GET /api/scoring/assessments/{id}/revisions: every submitted revision, oldest first. */
export async function getRevisions(
  client: ScoringClient,
  assessmentId: string,
  signal?: AbortSignal,
): Promise<Revision[]> {
  const { data, error, response } = await client.GET(
    '/api/scoring/assessments/{assessment_id}/revisions',
    { params: { path: { assessment_id: assessmentId } }, signal },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getRevisionsQueryOptions = (client: ScoringClient, assessmentId: string) =>
  queryOptions({
    queryKey: revisionsQueryKey(assessmentId),
    queryFn: ({ signal }) => getRevisions(client, assessmentId, signal),
  });

export function useRevisions(assessmentId: string) {
  const { scoring } = useApiClients();
  return useQuery(getRevisionsQueryOptions(scoring, assessmentId));
}
