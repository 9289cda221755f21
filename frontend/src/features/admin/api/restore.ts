import { useMutation, useQueryClient } from '@tanstack/react-query';

import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

/** POST /api/scoring/assessments/{assessment_id}/restore: undo a (soft) deletion. */
export async function restoreAssessment(client: ScoringClient, assessmentId: string) {
  const { data, error, response } = await client.POST(
    '/api/scoring/assessments/{assessment_id}/restore',
    { params: { path: { assessment_id: assessmentId } } },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useRestoreAssessment() {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (assessmentId: string) => restoreAssessment(scoring, assessmentId),
    // The audit log now holds the restore.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['scoring', 'audit'] }),
  });
}
