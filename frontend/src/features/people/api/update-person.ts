import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { scoringKeys, toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import type { PersonWithEtag } from './get-person';

export type PersonUpdate = components['schemas']['PersonUpdate'];

export type CorrectPerson = { personId: string; etag: string; changes: PersonUpdate };

/** PATCH /api/scoring/people/{person_id} with If-Match: 412 when someone changed it since. */
export async function correctPerson(
  client: ScoringClient,
  { personId, etag, changes }: CorrectPerson,
): Promise<PersonWithEtag> {
  const { data, error, response } = await client.PATCH('/api/scoring/people/{person_id}', {
    params: { path: { person_id: personId }, header: { 'if-match': etag } },
    body: changes,
  });
  if (data === undefined) throw toApiError(response, error);
  return { person: data, etag: response.headers.get('ETag') ?? `"${String(data.version)}"` };
}

export function useCorrectPerson() {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CorrectPerson) => correctPerson(scoring, input),
    onSuccess: (saved, { personId }) => {
      queryClient.setQueryData(scoringKeys.person(personId), saved);
      return queryClient.invalidateQueries({ queryKey: scoringKeys.people });
    },
  });
}
