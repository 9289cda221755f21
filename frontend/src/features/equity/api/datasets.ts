import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { everyPage, toApiError, useApiClients, type AggregationClient } from '@/lib/api';

import { PAGE } from './pages';
import type { Dataset, DatasetCreate, Unit } from './types';

export const equityKeys = {
  all: ['aggregation', 'equity'] as const,
  datasets: ['aggregation', 'equity', 'datasets'] as const,
  dataset: (id: number) => ['aggregation', 'equity', 'dataset', id] as const,
  /** Everything computed from one dataset's records (changes when an import commits). */
  analyses: (id: number) => ['aggregation', 'equity', 'dataset', id, 'analysis'] as const,
  steps: (id: number) => ['aggregation', 'equity', 'dataset', id, 'steps'] as const,
  /** One upload's import, followed while it is read (decision 0050). */
  importByKey: (id: number, key: string) => ['aggregation', 'equity', 'dataset', id, 'import', key] as const,
  references: ['aggregation', 'equity', 'reference-populations'] as const,
  imdLookups: ['aggregation', 'equity', 'imd-lookups'] as const,
  teamsOf: (organisation: string) => ['aggregation', 'hierarchy', 'teams', organisation] as const,
};

/** GET /equity/datasets: every dataset the caller may read, newest first (all pages). */
export async function getDatasets(client: AggregationClient, signal?: AbortSignal): Promise<Dataset[]> {
  return everyPage(async (cursor) => {
    const { data, error, response } = await client.GET('/api/aggregation/equity/datasets', {
      params: { query: { limit: PAGE, cursor } },
      signal,
    });
    if (data === undefined) throw toApiError(response, error);
    return data;
  });
}

export function useDatasets() {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({ queryKey: equityKeys.datasets, queryFn: ({ signal }) => getDatasets(aggregation, signal) }),
  );
}

export async function getDataset(client: AggregationClient, id: number, signal?: AbortSignal): Promise<Dataset> {
  const { data, error, response } = await client.GET('/api/aggregation/equity/datasets/{dataset_id}', {
    params: { path: { dataset_id: id } },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

/** `id` null: an address that names no dataset (nothing is asked). */
export function useDataset(id: number | null) {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({
      queryKey: equityKeys.dataset(id ?? 0),
      queryFn: ({ signal }) => getDataset(aggregation, id ?? 0, signal),
      enabled: id !== null,
    }),
  );
}

export async function createDataset(client: AggregationClient, body: DatasetCreate): Promise<Dataset> {
  const { data, error, response } = await client.POST('/api/aggregation/equity/datasets', { body });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useCreateDataset() {
  const { aggregation } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DatasetCreate) => createDataset(aggregation, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: equityKeys.datasets, exact: true }),
  });
}

/** The teams under an organisation (hierarchy), for an analyst or administrator to choose. */
export async function getTeamsOf(
  client: AggregationClient,
  organisation: string,
  signal?: AbortSignal,
): Promise<Unit[]> {
  const { data, error, response } = await client.GET('/api/aggregation/hierarchy/organisations', {
    params: { query: { kind: 'team', parent: organisation, limit: 500 } },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data.items;
}

export function useTeamsOf(organisation: string | null) {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({
      queryKey: equityKeys.teamsOf(organisation ?? ''),
      queryFn: ({ signal }) => getTeamsOf(aggregation, organisation ?? '', signal),
      enabled: organisation !== null,
    }),
  );
}
