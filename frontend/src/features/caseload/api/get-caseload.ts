import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { scoringKeys, toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import type { SearchTerms } from '../lib/search-terms';

export type PersonSummary = components['schemas']['PersonSummary'];
type PeoplePage = components['schemas']['Page_PersonSummary_'];

export type CaseloadQuery = SearchTerms & {
  /** One of the caller's teams; all of them when omitted. */
  team?: string;
};

const PAGE_SIZE = 50;

/** GET /api/scoring/people: people on the caller's teams' caseloads, by family name. */
export async function getCaseload(
  client: ScoringClient,
  query: CaseloadQuery,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<PeoplePage> {
  const { data, error, response } = await client.GET('/api/scoring/people', {
    params: {
      query: {
        team: query.team,
        name: query.name,
        nhs_number: query.nhsNumber,
        cursor: cursor ?? undefined,
        limit: PAGE_SIZE,
      },
    },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const caseloadQueryKey = scoringKeys.people;

export const getCaseloadQueryOptions = (client: ScoringClient, query: CaseloadQuery) =>
  infiniteQueryOptions({
    queryKey: [...caseloadQueryKey, query],
    queryFn: ({ pageParam, signal }) => getCaseload(client, query, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? null,
  });

export function useCaseload(query: CaseloadQuery) {
  const { scoring } = useApiClients();
  return useInfiniteQuery(getCaseloadQueryOptions(scoring, query));
}
