import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

export type AuditEntry = components['schemas']['AuditEntry'];
type AuditPage = components['schemas']['Page_AuditEntry_'];

/** What the service filters on; dates are calendar days in England (YYYY-MM-DD). */
export type AuditFilters = {
  entityId?: string;
  actor?: string;
  action?: string;
  outcome?: 'allowed' | 'refused';
  from?: string;
};

const PAGE_SIZE = 50;

/** Midnight at the start of a day in England, as an instant the API accepts. */
export function startOfDayInEngland(day: string): string {
  // Noon UTC is the same calendar day in England all year; step back to local midnight.
  const noon = new Date(`${day}T12:00:00Z`);
  const hour = Number(
    new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' }).format(noon),
  );
  const offsetHours = hour - 12; // 0 in winter, 1 in summer
  return new Date(Date.UTC(noon.getUTCFullYear(), noon.getUTCMonth(), noon.getUTCDate()) - offsetHours * 3600_000).toISOString();
}

/** GET /api/scoring/audit: newest first, by cursor. */
export async function getAudit(
  client: ScoringClient,
  filters: AuditFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<AuditPage> {
  const { data, error, response } = await client.GET('/api/scoring/audit', {
    params: {
      query: {
        entity_id: filters.entityId,
        actor: filters.actor,
        action: filters.action,
        outcome: filters.outcome,
        since: filters.from === undefined ? undefined : startOfDayInEngland(filters.from),
        cursor: cursor ?? undefined,
        limit: PAGE_SIZE,
      },
    },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getAuditQueryOptions = (client: ScoringClient, filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: ['scoring', 'audit', filters],
    queryFn: ({ pageParam, signal }) => getAudit(client, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? null,
    // The log grows all the time: read it afresh each time the page opens.
    staleTime: 0,
  });

export function useAudit(filters: AuditFilters, enabled = true) {
  const { scoring } = useApiClients();
  return useInfiniteQuery({ ...getAuditQueryOptions(scoring, filters), enabled });
}
