import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';
import { useAuth } from '@/lib/auth';
import type { QueryConfig } from '@/lib/react-query';

export type Me = components['schemas']['Me'];

/** GET /api/scoring/me: who the caller is, for which organisation, in which role. */
export async function getMe(client: ScoringClient, signal?: AbortSignal): Promise<Me> {
  const { data, error, response } = await client.GET('/api/scoring/me', { signal });
  if (data === undefined) {
    throw toApiError(response, error);
  }
  return data;
}

export const meQueryKey = ['scoring', 'me'] as const;

export const getMeQueryOptions = (client: ScoringClient) =>
  queryOptions({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => getMe(client, signal),
  });

type UseMeOptions = {
  queryConfig?: QueryConfig<typeof getMeQueryOptions>;
};

/** The caller's account; idle until someone is signed in. */
export function useMe({ queryConfig }: UseMeOptions = {}) {
  const { scoring } = useApiClients();
  const { user } = useAuth();
  return useQuery({
    ...getMeQueryOptions(scoring),
    enabled: user !== null,
    ...queryConfig,
  });
}
