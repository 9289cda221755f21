import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { scoringKeys, toApiError, useApiClients, type ScoringClient } from '@/lib/api';

export type PersonRead = components['schemas']['PersonRead'];

/** The person and the ETag a correction must name in If-Match. */
export type PersonWithEtag = { person: PersonRead; etag: string };

/** GET /api/scoring/people/{person_id}; 404 when unknown or not visible to the caller. */
export async function getPerson(
  client: ScoringClient,
  personId: string,
  signal?: AbortSignal,
): Promise<PersonWithEtag> {
  const { data, error, response } = await client.GET('/api/scoring/people/{person_id}', {
    params: { path: { person_id: personId } },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return { person: data, etag: response.headers.get('ETag') ?? `"${String(data.version)}"` };
}

export const getPersonQueryOptions = (client: ScoringClient, personId: string) =>
  queryOptions({
    queryKey: scoringKeys.person(personId),
    queryFn: ({ signal }) => getPerson(client, personId, signal),
    // Someone else may correct the record: a page opened again reads it again.
    staleTime: 0,
  });

export function usePerson(personId: string) {
  const { scoring } = useApiClients();
  return useQuery(getPersonQueryOptions(scoring, personId));
}
