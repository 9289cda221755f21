import { queryOptions, useQuery } from '@tanstack/react-query';

import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import type { Subject } from './types';

/** GET /api/scoring/people/{id}: who the assessment is about, shown on every step. */
export async function getSubject(
  client: ScoringClient,
  personId: string,
  signal?: AbortSignal,
): Promise<Subject> {
  const { data, error, response } = await client.GET('/api/scoring/people/{person_id}', {
    params: { path: { person_id: personId } },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getSubjectQueryOptions = (client: ScoringClient, personId: string) =>
  queryOptions({
    // Its own key: the person page may keep the same resource in another shape.
    queryKey: ['scoring', 'people', personId, 'assessment-subject'] as const,
    queryFn: ({ signal }) => getSubject(client, personId, signal),
  });

export function useSubject(personId: string | undefined) {
  const { scoring } = useApiClients();
  return useQuery({
    ...getSubjectQueryOptions(scoring, personId ?? ''),
    enabled: personId !== undefined,
  });
}
