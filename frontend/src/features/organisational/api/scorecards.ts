import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';

import { toApiError, useApiClients } from '@/lib/api';

import { organisationalKeys } from './assessments';

/*
 * The board assurance scorecard as the service computes it (services/scoring/organisational/
 * scorecard.py): the contract types it as an open object, so it is checked here once.
 */

const RatingSchema = z.object({ code: z.string(), label: z.string(), colour: z.string().nullable() });

const RollUpSchema = z.object({
  code: z.string(),
  label: z.string(),
  rating: RatingSchema.nullable(),
  counts: z.record(z.string(), z.number()),
});

const CellSchema = z.object({
  item_id: z.string(),
  row: z.string(),
  column: z.string(),
  prompt: z.string(),
  rating: RatingSchema.nullable(),
  evidence: z.string().nullable(),
  action: z.string().nullable(),
});

export const ScorecardSchema = z.object({
  instrument_version: z.string(),
  grouping: z.string(),
  rows: z.array(RollUpSchema),
  columns: z.array(RollUpSchema),
  overall: RollUpSchema,
  cells: z.array(CellSchema),
});

const ScorecardOverTimeSchema = z.object({
  assessment_id: z.string(),
  assessed_on: z.string(),
  instrument_version: z.string(),
  rows: z.array(RollUpSchema),
  columns: z.array(RollUpSchema),
  overall: RollUpSchema,
});

export type Rating = z.infer<typeof RatingSchema>;
export type RollUp = z.infer<typeof RollUpSchema>;
export type Cell = z.infer<typeof CellSchema>;
export type Scorecard = z.infer<typeof ScorecardSchema>;
export type ScorecardOverTime = z.infer<typeof ScorecardOverTimeSchema>;

/** GET .../{id}/scorecard: the 40 cells, the roll-ups by row, by column and overall. */
export function useScorecard(assessmentId: string) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: [...organisationalKeys.one(assessmentId), 'scorecard'] as const,
    queryFn: async ({ signal }) => {
      const { data, error, response } = await scoring.GET(
        '/api/scoring/organisational-assessments/{assessment_id}/scorecard',
        { params: { path: { assessment_id: assessmentId } }, signal },
      );
      if (data === undefined) throw toApiError(response, error);
      return ScorecardSchema.parse(data);
    },
  });
}

/** GET /organisations/{ods}/board-assurance/scorecards: every submitted one, oldest first. */
export function useScorecardsOverTime(ods: string) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: [...organisationalKeys.all, 'scorecards', ods] as const,
    queryFn: async ({ signal }) => {
      const { data, error, response } = await scoring.GET(
        '/api/scoring/organisations/{ods_code}/board-assurance/scorecards',
        { params: { path: { ods_code: ods } }, signal },
      );
      if (data === undefined) throw toApiError(response, error);
      return z.array(ScorecardOverTimeSchema).parse(data);
    },
  });
}
