import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { toApiError, useApiClients, type AggregationClient } from '@/lib/api';

import { equityKeys } from './datasets';
import type {
  Breakdown,
  ClinicalArea,
  Completeness,
  Engagement,
  Evaluation,
  EvaluationParams,
  Representation,
} from './types';

const path = (id: number) => ({ dataset_id: id });

/** Which records an analysis covers: referrals from and to (ISO dates), and a clinical area. */
export type Coverage = { from: string | null; to: string | null; clinicalArea: ClinicalArea | null };

export const EVERY_RECORD: Coverage = { from: null, to: null, clinicalArea: null };

const coverageQuery = (w: Coverage) => ({ from: w.from, to: w.to, clinical_area: w.clinicalArea });

export async function getCompleteness(
  client: AggregationClient,
  id: number,
  by: Breakdown | null,
  coverage: Coverage,
  signal?: AbortSignal,
): Promise<Completeness> {
  const { data, error, response } = await client.GET(
    '/api/aggregation/equity/datasets/{dataset_id}/completeness',
    { params: { path: path(id), query: { ...coverageQuery(coverage), by } }, signal },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useCompleteness(id: number, by: Breakdown | null, coverage: Coverage, enabled = true) {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({
      queryKey: [...equityKeys.analyses(id), 'completeness', by, coverage],
      queryFn: ({ signal }) => getCompleteness(aggregation, id, by, coverage, signal),
      placeholderData: keepPreviousData,
      enabled,
    }),
  );
}

export async function getEngagement(
  client: AggregationClient,
  id: number,
  by: Breakdown,
  coverage: Coverage,
  signal?: AbortSignal,
): Promise<Engagement> {
  const { data, error, response } = await client.GET(
    '/api/aggregation/equity/datasets/{dataset_id}/engagement',
    { params: { path: path(id), query: { ...coverageQuery(coverage), by } }, signal },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useEngagement(id: number, by: Breakdown, coverage: Coverage, enabled = true) {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({
      queryKey: [...equityKeys.analyses(id), 'engagement', by, coverage],
      queryFn: ({ signal }) => getEngagement(aggregation, id, by, coverage, signal),
      placeholderData: keepPreviousData,
      enabled,
    }),
  );
}

export async function getRepresentation(
  client: AggregationClient,
  id: number,
  reference: number,
  catchmentOnly: boolean,
  signal?: AbortSignal,
): Promise<Representation> {
  const { data, error, response } = await client.GET(
    '/api/aggregation/equity/datasets/{dataset_id}/representation',
    { params: { path: path(id), query: { reference, catchment_only: catchmentOnly } }, signal },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useRepresentation(id: number, reference: number | null, catchmentOnly: boolean) {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({
      queryKey: [...equityKeys.analyses(id), 'representation', reference, catchmentOnly],
      queryFn: ({ signal }) => getRepresentation(aggregation, id, reference ?? 0, catchmentOnly, signal),
      enabled: reference !== null,
    }),
  );
}

export async function getEvaluation(
  client: AggregationClient,
  id: number,
  query: EvaluationParams,
  signal?: AbortSignal,
): Promise<Evaluation> {
  const { data, error, response } = await client.GET(
    '/api/aggregation/equity/datasets/{dataset_id}/evaluation',
    { params: { path: path(id), query }, signal },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

/** Asked only once the form has been submitted (`query` null until then). */
export function useEvaluation(id: number, query: EvaluationParams | null) {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({
      queryKey: [...equityKeys.analyses(id), 'evaluation', query],
      queryFn: ({ signal }) =>
        getEvaluation(aggregation, id, query ?? { intervention: '' }, signal),
      enabled: query !== null,
    }),
  );
}
