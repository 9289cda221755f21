import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

export type PersonAssessments = components['schemas']['PersonAssessments'];
export type Profile = components['schemas']['Profile'];
export type SuggestedAction = components['schemas']['SuggestedActionRead'];

/** GET /api/scoring/people/{id}/assessments: history and the profile per instrument. */
export async function getPersonAssessments(
  client: ScoringClient,
  personId: string,
  signal?: AbortSignal,
): Promise<PersonAssessments> {
  const { data, error, response } = await client.GET(
    '/api/scoring/people/{person_id}/assessments',
    { params: { path: { person_id: personId } }, signal },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getPersonAssessmentsQueryOptions = (client: ScoringClient, personId: string) =>
  queryOptions({
    queryKey: ['scoring', 'people', personId, 'assessments'] as const,
    queryFn: ({ signal }) => getPersonAssessments(client, personId, signal),
  });

export function usePersonAssessments(personId: string) {
  const { scoring } = useApiClients();
  return useQuery(getPersonAssessmentsQueryOptions(scoring, personId));
}
