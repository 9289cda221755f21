import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { everyPage, toApiError, useApiClients, type AggregationClient } from '@/lib/api';

import { equityKeys } from './datasets';
import { PAGE } from './pages';
import type { ImdLookup, ImdVintage, ReferencePopulation, ReferencePopulationCreate } from './types';
import { CSV_TYPE, sendWithProgress, type SendProgress } from './upload-file';

// Reference data for service equity (docs/equity.md): published figures an organisation
// administrator loads and every aggregate reader uses.

/** GET /equity/reference-populations: every reference population, newest first (all pages). */
export async function getReferences(client: AggregationClient, signal?: AbortSignal): Promise<ReferencePopulation[]> {
  return everyPage(async (cursor) => {
    const { data, error, response } = await client.GET('/api/aggregation/equity/reference-populations', {
      params: { query: { limit: PAGE, cursor } },
      signal,
    });
    if (data === undefined) throw toApiError(response, error);
    return data;
  });
}

export function useReferences() {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({ queryKey: equityKeys.references, queryFn: ({ signal }) => getReferences(aggregation, signal) }),
  );
}

export async function createReference(
  client: AggregationClient,
  body: ReferencePopulationCreate,
): Promise<ReferencePopulation> {
  const { data, error, response } = await client.POST('/api/aggregation/equity/reference-populations', { body });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useCreateReference() {
  const { aggregation } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ReferencePopulationCreate) => createReference(aggregation, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: equityKeys.references, exact: true }),
  });
}

/** GET /equity/imd-lookups: the vintages of the IMD lookup loaded. */
export async function getImdLookups(client: AggregationClient, signal?: AbortSignal): Promise<ImdLookup[]> {
  const { data, error, response } = await client.GET('/api/aggregation/equity/imd-lookups', { signal });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useImdLookups() {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({ queryKey: equityKeys.imdLookups, queryFn: ({ signal }) => getImdLookups(aggregation, signal) }),
  );
}

export type LookupUpload = { vintage: ImdVintage; file: File };

/** PUT /equity/imd-lookups/{vintage}: the published IoD CSV as it is, whole or not at all. */
export async function loadImdLookup(
  client: AggregationClient,
  { vintage, file }: LookupUpload,
  onProgress: (progress: SendProgress) => void,
): Promise<ImdLookup> {
  const { data, error, response } = await client.PUT('/api/aggregation/equity/imd-lookups/{vintage}', {
    params: { path: { vintage } },
    body: '',
    bodySerializer: () => file,
    headers: { 'Content-Type': CSV_TYPE },
    fetch: sendWithProgress(file, onProgress),
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useLoadImdLookup(onProgress: (progress: SendProgress) => void) {
  const { aggregation } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (upload: LookupUpload) => loadImdLookup(aggregation, upload, onProgress),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: equityKeys.imdLookups, exact: true }),
  });
}
