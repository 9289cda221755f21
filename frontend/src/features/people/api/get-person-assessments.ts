import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { scoringKeys, toApiError, useApiClients, type ScoringClient } from '@/lib/api';

export type AssessmentSummary = components['schemas']['AssessmentSummary'];

/** GET /api/scoring/people/{person_id}/assessments: the person's timeline. */
export async function getPersonAssessments(
  client: ScoringClient,
  personId: string,
  signal?: AbortSignal,
): Promise<AssessmentSummary[]> {
  const { data, error, response } = await client.GET(
    '/api/scoring/people/{person_id}/assessments',
    { params: { path: { person_id: personId } }, signal },
  );
  if (data === undefined) throw toApiError(response, error);
  return data.assessments;
}

export const getPersonAssessmentsQueryOptions = (client: ScoringClient, personId: string) =>
  queryOptions({
    queryKey: scoringKeys.personAssessments(personId),
    queryFn: ({ signal }) => getPersonAssessments(client, personId, signal),
  });

export function usePersonAssessments(personId: string, enabled = true) {
  const { scoring } = useApiClients();
  return useQuery({ ...getPersonAssessmentsQueryOptions(scoring, personId), enabled });
}
