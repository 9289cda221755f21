import { useMutation } from '@tanstack/react-query';

import { toApiError, useApiClients, type ReportingClient } from '@/lib/api';

/**
 * GET /api/reporting/people/{id}/hef-profile.pdf?assessment=...: the profile as a tagged PDF
 * for the care record. Fetched with the user's token (tokens live in memory, so a plain link
 * could not carry it) and handed to the browser as a download.
 */
export async function downloadHefProfilePdf(
  client: ReportingClient,
  personId: string,
  assessmentId: string,
): Promise<Blob> {
  const { data, error, response } = await client.GET(
    '/api/reporting/people/{person_id}/hef-profile.pdf',
    {
      params: { path: { person_id: personId }, query: { assessment: assessmentId } },
      parseAs: 'blob',
    },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useDownloadHefProfilePdf(personId: string, assessmentId: string) {
  const { reporting } = useApiClients();
  return useMutation({
    mutationFn: () => downloadHefProfilePdf(reporting, personId, assessmentId),
  });
}
