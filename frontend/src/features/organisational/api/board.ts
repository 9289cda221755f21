import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { components } from '@/api/generated/scoring';
import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

import { etagFor, organisationalKeys } from './assessments';
import { updateAction } from './heat-assessments';

/*
 * The board self-assessment's results, progress and objectives. The contract types the
 * results as open objects (the engine's JSON, services/scoring/organisational/
 * board_results.py), so they are checked here once and every screen reads the typed result.
 */

const LevelSchema = z.object({ code: z.string(), label: z.string() });

const DomainResultSchema = z.object({
  domain: z.string(),
  title: z.string(),
  score: z.number().nullable(),
  maturity_level: LevelSchema.nullable(),
  answered: z.number(),
  total: z.number(),
});

const ObjectiveSchema = z.object({
  ref: z.string(),
  text: z.string(),
  domain: z.string(),
  board_role: z.string().nullable(),
  priority: z.boolean(),
  levels: z.array(z.string()).default([]),
});

export const BoardResultsSchema = z.object({
  instrument_version: z.string(),
  domains: z.array(DomainResultSchema),
  overall: DomainResultSchema,
  suggested_objectives: z.array(ObjectiveSchema),
});

const YearLevelsSchema = z.object({
  assessment_id: z.string(),
  assessed_on: z.string(),
  year: z.number(),
  instrument_version: z.string(),
  domains: z.record(z.string(), DomainResultSchema),
  overall: DomainResultSchema,
});

export type DomainResult = z.infer<typeof DomainResultSchema>;
export type LibraryObjective = z.infer<typeof ObjectiveSchema>;
export type BoardResults = z.infer<typeof BoardResultsSchema>;
export type YearLevels = z.infer<typeof YearLevelsSchema>;
export type AdoptedObjective = components['schemas']['ObjectiveRead'];
export type Action = components['schemas']['ActionRead'];
export type ActionCreate = components['schemas']['ActionCreate'];
export type ObjectiveStatus = NonNullable<components['schemas']['ObjectiveUpdate']['status']>;

const boardKeys = {
  results: (assessmentId: string) =>
    [...organisationalKeys.one(assessmentId), 'board-results'] as const,
  progress: (ods: string) => [...organisationalKeys.all, 'progress', ods] as const,
  objectives: (ods: string) => [...organisationalKeys.all, 'objectives', ods] as const,
};

/** GET .../{id}/board-results: maturity per domain and overall, suggested objectives. */
export function useBoardResults(assessmentId: string) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: boardKeys.results(assessmentId),
    queryFn: async ({ signal }) => {
      const { data, error, response } = await scoring.GET(
        '/api/scoring/organisational-assessments/{assessment_id}/board-results',
        { params: { path: { assessment_id: assessmentId } }, signal },
      );
      if (data === undefined) throw toApiError(response, error);
      return BoardResultsSchema.parse(data);
    },
  });
}

/** GET /organisations/{ods}/board-self-assessment/progress: each year's levels, oldest first. */
export function useBoardProgress(ods: string) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: boardKeys.progress(ods),
    queryFn: async ({ signal }) => {
      const { data, error, response } = await scoring.GET(
        '/api/scoring/organisations/{ods_code}/board-self-assessment/progress',
        { params: { path: { ods_code: ods } }, signal },
      );
      if (data === undefined) throw toApiError(response, error);
      return z.array(YearLevelsSchema).parse(data);
    },
  });
}

const AdoptedListSchema = z.object({
  library: z.array(ObjectiveSchema),
  // The service's own ObjectiveRead (typed in the contract where it is a response model).
  adopted: z.array(z.custom<AdoptedObjective>((value) => typeof value === 'object')),
});

/** GET /organisations/{ods}/objectives: the library and what the board adopted. */
export function useObjectives(ods: string) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: boardKeys.objectives(ods),
    queryFn: async ({ signal }) => {
      const { data, error, response } = await scoring.GET(
        '/api/scoring/organisations/{ods_code}/objectives',
        { params: { path: { ods_code: ods } }, signal },
      );
      if (data === undefined) throw toApiError(response, error);
      return AdoptedListSchema.parse(data);
    },
  });
}

/** Adopt, reassign, track and add actions: each write refreshes the objectives only. */
export function useObjectiveChanges(ods: string) {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: boardKeys.objectives(ods), exact: true });
  const adopt = useMutation({
    mutationFn: async (body: components['schemas']['ObjectiveAdopt']) => {
      const { data, error, response } = await scoring.POST(
        '/api/scoring/organisations/{ods_code}/objectives',
        { params: { path: { ods_code: ods } }, body },
      );
      if (data === undefined) throw toApiError(response, error);
      return data;
    },
    onSuccess: refresh,
  });
  const update = useMutation({
    mutationFn: async ({
      objective,
      body,
    }: {
      objective: AdoptedObjective;
      body: components['schemas']['ObjectiveUpdate'];
    }) => {
      const { data, error, response } = await scoring.PATCH(
        '/api/scoring/objectives/{objective_id}',
        {
          params: {
            path: { objective_id: objective.id },
            header: { 'if-match': etagFor(objective.version) },
          },
          body,
        },
      );
      if (data === undefined) throw toApiError(response, error);
      return data;
    },
    onSettled: refresh,
  });
  const addAction = useMutation({
    mutationFn: async ({ objectiveId, body }: { objectiveId: string; body: ActionCreate }) => {
      const { data, error, response } = await scoring.POST(
        '/api/scoring/objectives/{objective_id}/actions',
        { params: { path: { objective_id: objectiveId } }, body },
      );
      if (data === undefined) throw toApiError(response, error);
      return data;
    },
    onSuccess: refresh,
  });
  const markDone = useMutation({
    mutationFn: (action: Action) => updateAction(scoring, action, { status: 'done' }),
    onSettled: refresh,
  });
  return { adopt, update, addAction, markDone };
}

const PrivateResultsSchema = z.object({
  code: z.string(),
  responses: z.record(z.string(), z.string()),
  results: BoardResultsSchema,
});

export type PrivateResults = z.infer<typeof PrivateResultsSchema>;

/**
 * POST /api/scoring/private/board-self-assessment: results for the answers, or for the code
 * from a link, with nothing stored (decision 0031). Needs no login; the answers and the code
 * travel in the body, never in an address.
 */
export async function getPrivateResults(
  client: ScoringClient,
  body: { responses: Record<string, string> } | { code: string },
): Promise<PrivateResults> {
  const { data, error, response } = await client.POST(
    '/api/scoring/private/board-self-assessment',
    { body },
  );
  if (data === undefined) throw toApiError(response, error);
  return PrivateResultsSchema.parse(data);
}
