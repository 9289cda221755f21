import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/generated/aggregation';
import { toApiError, useApiClients, type AggregationClient } from '@/lib/api';

export type Summary = components['schemas']['Summary'];
export type SummaryRow = components['schemas']['SummaryRow'];
export type Breakdown = components['schemas']['Breakdown'];

/** GET /api/aggregation/summary by financial year, broken down one way. */
export async function getSummary(
  client: AggregationClient,
  by: Breakdown,
  signal?: AbortSignal,
): Promise<Summary> {
  const { data, error, response } = await client.GET('/api/aggregation/summary', {
    params: { query: { period: 'financial_year', by: [by] } },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getSummaryQueryOptions = (client: AggregationClient, by: Breakdown) =>
  queryOptions({
    queryKey: ['aggregation', 'summary', 'financial_year', by],
    queryFn: ({ signal }) => getSummary(client, by, signal),
  });

export function useSummary(by: Breakdown) {
  const { aggregation } = useApiClients();
  return useQuery(getSummaryQueryOptions(aggregation, by));
}
