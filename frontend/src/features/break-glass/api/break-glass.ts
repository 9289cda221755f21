import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

export type BreakGlass = components['schemas']['BreakGlassRead'];

const breakGlassKey = ['scoring', 'break-glass'] as const;

/** GET /api/scoring/break-glass: the last 30 days, newest first. */
export async function getBreakGlass(
  client: ScoringClient,
  signal?: AbortSignal,
): Promise<BreakGlass[]> {
  const { data, error, response } = await client.GET('/api/scoring/break-glass', { signal });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getBreakGlassQueryOptions = (client: ScoringClient) =>
  queryOptions({
    queryKey: breakGlassKey,
    queryFn: ({ signal }) => getBreakGlass(client, signal),
    staleTime: 0,
  });

export function useBreakGlass() {
  const { scoring } = useApiClients();
  return useQuery(getBreakGlassQueryOptions(scoring));
}

export type Revoke = { team: string; personId: string; reason: string };

/** POST /api/scoring/teams/{code}/caseload/{person_id}/revoke: the team's access ends now. */
export async function revokeBreakGlass(
  client: ScoringClient,
  { team, personId, reason }: Revoke,
) {
  const { error, response } = await client.POST(
    '/api/scoring/teams/{code}/caseload/{person_id}/revoke',
    { params: { path: { code: team, person_id: personId } }, body: { reason } },
  );
  if (!response.ok) throw toApiError(response, error);
}

export function useRevokeBreakGlass() {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Revoke) => revokeBreakGlass(scoring, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: breakGlassKey }),
  });
}
