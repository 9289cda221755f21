import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { caseloadQueryKey } from './get-caseload';

export type PersonRead = components['schemas']['PersonRead'];

export type AddToCaseload = {
  team: string;
  nhsNumber: string;
  /** Why access is needed, when another team cares for the person (break-glass). */
  reason?: string;
};

/** POST /api/scoring/teams/{code}/caseload by NHS number. */
export async function addToCaseload(
  client: ScoringClient,
  { team, nhsNumber, reason }: AddToCaseload,
): Promise<PersonRead> {
  const { data, error, response } = await client.POST('/api/scoring/teams/{code}/caseload', {
    params: { path: { code: team } },
    body: { nhs_number: nhsNumber, reason: reason ?? null },
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useAddToCaseload() {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AddToCaseload) => addToCaseload(scoring, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: caseloadQueryKey }),
  });
}
