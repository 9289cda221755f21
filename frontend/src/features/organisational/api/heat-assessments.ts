import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { components } from '@/api/generated/scoring';
import { everyPage, toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { etagFor, LIST_PAGE, organisationalKeys } from './assessments';

/*
 * HEAT: how far each stage went, the actions with owners and dates, and the audit of HEAT
 * use and impact (services/scoring/organisational/heat.py). Open objects in the contract,
 * checked here once.
 */

const StageSchema = z.object({
  stage: z.string(),
  title: z.string(),
  answered: z.number(),
  total: z.number(),
  not_yet: z.number(),
  completed: z.boolean(),
});

export const HeatAuditSchema = z.object({
  projects: z.number(),
  projects_assessed: z.number(),
  assessments_submitted: z.number(),
  assessments_in_draft: z.number(),
  stages_completed: z.record(z.string(), z.number()),
  reviews: z.object({ done: z.number(), due: z.number(), overdue: z.number() }),
  actions: z.object({
    taken: z.number(),
    done: z.number(),
    open: z.number(),
    overdue: z.number(),
  }),
  impact_by_group: z.record(z.string(), z.record(z.string(), z.number())).default({}),
});

export type Stage = z.infer<typeof StageSchema>;
export type HeatAudit = z.infer<typeof HeatAuditSchema>;
export type Action = components['schemas']['ActionRead'];
export type ActionCreate = components['schemas']['ActionCreate'];
export type ActionUpdate = components['schemas']['ActionUpdate'];

const heatKeys = {
  stages: (assessmentId: string) => [...organisationalKeys.one(assessmentId), 'stages'] as const,
  actions: (ods: string) => [...organisationalKeys.all, 'actions', ods] as const,
  audit: (ods: string) => [...organisationalKeys.all, 'heat-audit', ods] as const,
};

/** GET .../{id}/stages: per stage, prompts answered, not yet done, completed. */
export function useStages(assessmentId: string) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: heatKeys.stages(assessmentId),
    queryFn: async ({ signal }) => {
      const { data, error, response } = await scoring.GET(
        '/api/scoring/organisational-assessments/{assessment_id}/stages',
        { params: { path: { assessment_id: assessmentId } }, signal },
      );
      if (data === undefined) throw toApiError(response, error);
      return z.array(StageSchema).parse(data);
    },
  });
}

/** GET /organisations/{ods}/actions: every action the caller may read, `overdue` flagged
 * (all pages, by due date). */
export async function getOrganisationActions(
  client: ScoringClient,
  ods: string,
  signal?: AbortSignal,
): Promise<Action[]> {
  return everyPage(async (cursor) => {
    const { data, error, response } = await client.GET('/api/scoring/organisations/{ods_code}/actions', {
      params: { path: { ods_code: ods }, query: { limit: LIST_PAGE, cursor } },
      signal,
    });
    if (data === undefined) throw toApiError(response, error);
    return data;
  });
}

export function useOrganisationActions(ods: string) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: heatKeys.actions(ods),
    queryFn: ({ signal }) => getOrganisationActions(scoring, ods, signal),
  });
}

/** PATCH /api/scoring/actions/{id} with If-Match: status (done records the date), owner, due. */
export async function updateAction(
  client: ScoringClient,
  action: Action,
  body: ActionUpdate,
): Promise<Action> {
  const { data, error, response } = await client.PATCH('/api/scoring/actions/{action_id}', {
    params: { path: { action_id: action.id }, header: { 'if-match': etagFor(action.version) } },
    body,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

/** HEAT actions: add one to an assessment, or track one (status, owner, due date). */
export function useHeatActionChanges(ods: string, assessmentId: string) {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  // The audit counts the actions too.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: heatKeys.actions(ods), exact: true }),
      queryClient.invalidateQueries({ queryKey: heatKeys.audit(ods), exact: true }),
    ]);
  const add = useMutation({
    mutationFn: async (body: ActionCreate) => {
      const { data, error, response } = await scoring.POST(
        '/api/scoring/organisational-assessments/{assessment_id}/actions',
        { params: { path: { assessment_id: assessmentId } }, body },
      );
      if (data === undefined) throw toApiError(response, error);
      return data;
    },
    onSuccess: refresh,
  });
  const update = useMutation({
    mutationFn: ({ action, body }: { action: Action; body: ActionUpdate }) =>
      updateAction(scoring, action, body),
    onSettled: refresh,
  });
  return { add, update };
}

/** GET /organisations/{ods}/heat-audit: HEAT use and impact across the projects. */
export function useHeatAudit(ods: string) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: heatKeys.audit(ods),
    queryFn: async ({ signal }) => {
      const { data, error, response } = await scoring.GET(
        '/api/scoring/organisations/{ods_code}/heat-audit',
        { params: { path: { ods_code: ods } }, signal },
      );
      if (data === undefined) throw toApiError(response, error);
      return HeatAuditSchema.parse(data);
    },
  });
}
