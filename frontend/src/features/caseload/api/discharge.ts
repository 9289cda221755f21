import { useMutation, useQueryClient } from '@tanstack/react-query';

import { scoringKeys, toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { caseloadQueryKey } from './get-caseload';

export type Discharge = { team: string; personId: string };

/** DELETE /api/scoring/teams/{code}/caseload/{person_id}: the team's access ends now. */
export async function discharge(client: ScoringClient, { team, personId }: Discharge) {
  const { error, response } = await client.DELETE(
    '/api/scoring/teams/{code}/caseload/{person_id}',
    { params: { path: { code: team, person_id: personId } } },
  );
  if (!response.ok) throw toApiError(response, error);
}

export function useDischarge() {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Discharge) => discharge(scoring, input),
    onSuccess: (_, { personId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: caseloadQueryKey }),
        // Marked stale, not read again now: the page showing them is about to be left,
        // and reading would only find that the team's access has ended.
        queryClient.invalidateQueries({
          queryKey: scoringKeys.person(personId),
          refetchType: 'none',
        }),
      ]),
  });
}
