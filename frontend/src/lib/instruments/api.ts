import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { parseInstrumentDefinition, type InstrumentDefinition } from './definition';

export type InstrumentSummary = components['schemas']['InstrumentSummary'];

export type InstrumentKey = { instrument: string; variant: string; version: string };

/** GET /api/scoring/instruments/{instrument}/{variant}/{version}: one definition, checked. */
export async function getInstrument(
  client: ScoringClient,
  { instrument, variant, version }: InstrumentKey,
  signal?: AbortSignal,
): Promise<InstrumentDefinition> {
  const { data, error, response } = await client.GET(
    '/api/scoring/instruments/{instrument}/{variant}/{version}',
    { params: { path: { instrument, variant, version } }, signal },
  );
  if (data === undefined) throw toApiError(response, error);
  return parseInstrumentDefinition(data);
}

export const getInstrumentQueryOptions = (client: ScoringClient, key: InstrumentKey) =>
  queryOptions({
    queryKey: ['scoring', 'instruments', key.instrument, key.variant, key.version] as const,
    queryFn: ({ signal }) => getInstrument(client, key, signal),
    // A version never changes once loaded (definitions are immutable).
    staleTime: Infinity,
  });

export function useInstrument(key: InstrumentKey | undefined) {
  const { scoring } = useApiClients();
  return useQuery({
    ...getInstrumentQueryOptions(
      scoring,
      key ?? { instrument: '', variant: '', version: '' },
    ),
    enabled: key !== undefined,
  });
}

/** GET /api/scoring/instruments: every definition the service can score with. */
export async function getInstruments(
  client: ScoringClient,
  signal?: AbortSignal,
): Promise<InstrumentSummary[]> {
  const { data, error, response } = await client.GET('/api/scoring/instruments', { signal });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getInstrumentsQueryOptions = (client: ScoringClient) =>
  queryOptions({
    queryKey: ['scoring', 'instruments'] as const,
    queryFn: ({ signal }) => getInstruments(client, signal),
  });

export function useInstruments() {
  const { scoring } = useApiClients();
  return useQuery(getInstrumentsQueryOptions(scoring));
}
