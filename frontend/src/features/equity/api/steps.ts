import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { everyPage, toApiError, useApiClients, type AggregationClient } from '@/lib/api';

import { equityKeys } from './datasets';
import { PAGE } from './pages';
import type { Step, StepWrite } from './types';

/** GET /equity/datasets/{id}/steps: the whole action plan, oldest step first (all pages). */
export async function getSteps(client: AggregationClient, id: number, signal?: AbortSignal): Promise<Step[]> {
  return everyPage(async (cursor) => {
    const { data, error, response } = await client.GET('/api/aggregation/equity/datasets/{dataset_id}/steps', {
      params: { path: { dataset_id: id }, query: { limit: PAGE, cursor } },
      signal,
    });
    if (data === undefined) throw toApiError(response, error);
    return data;
  });
}

export function useSteps(id: number) {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({ queryKey: equityKeys.steps(id), queryFn: ({ signal }) => getSteps(aggregation, id, signal) }),
  );
}

export async function addStep(client: AggregationClient, id: number, body: StepWrite): Promise<Step> {
  const { data, error, response } = await client.POST('/api/aggregation/equity/datasets/{dataset_id}/steps', {
    params: { path: { dataset_id: id } },
    body,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export async function changeStep(
  client: AggregationClient,
  id: number,
  stepId: number,
  body: StepWrite,
): Promise<Step> {
  const { data, error, response } = await client.PUT(
    '/api/aggregation/equity/datasets/{dataset_id}/steps/{step_id}',
    { params: { path: { dataset_id: id, step_id: stepId } }, body },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useAddStep(id: number) {
  const { aggregation } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StepWrite) => addStep(aggregation, id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: equityKeys.steps(id), exact: true }),
  });
}

export function useChangeStep(id: number) {
  const { aggregation } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ stepId, body }: { stepId: number; body: StepWrite }) =>
      changeStep(aggregation, id, stepId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: equityKeys.steps(id), exact: true }),
  });
}
