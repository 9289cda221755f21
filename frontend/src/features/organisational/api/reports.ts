import { toApiError, type ReportingClient } from '@/lib/api';

/*
 * The reporting service's PDFs of the board tools and HEAT (decision 0039), fetched with the
 * user's token (tokens live in memory, so a plain link could not carry it). The private one
 * is a POST with the link's code in the body: nothing of it reaches an address or a log.
 */

export type ReportKind = 'board-self-assessment' | 'board-assurance-scorecard' | 'heat-summary';

export async function downloadReport(
  client: ReportingClient,
  kind: ReportKind,
  assessmentId: string,
): Promise<Blob> {
  const path = { params: { path: { assessment_id: assessmentId } }, parseAs: 'blob' } as const;
  const { data, error, response } =
    kind === 'board-self-assessment'
      ? await client.GET(
          '/api/reporting/organisational-assessments/{assessment_id}/board-self-assessment.pdf',
          path,
        )
      : kind === 'board-assurance-scorecard'
        ? await client.GET(
            '/api/reporting/organisational-assessments/{assessment_id}/board-assurance-scorecard.pdf',
            path,
          )
        : await client.GET(
            '/api/reporting/organisational-assessments/{assessment_id}/heat-summary.pdf',
            path,
          );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export async function downloadPrivateReport(client: ReportingClient, code: string): Promise<Blob> {
  const { data, error, response } = await client.POST(
    '/api/reporting/private/board-self-assessment.pdf',
    { body: { code }, parseAs: 'blob' },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}
