import { useMutation, useQueryClient } from '@tanstack/react-query';

import { toApiError, useApiClients, type AggregationClient } from '@/lib/api';

import { equityKeys } from './datasets';
import type { ImportRecord } from './types';

export const CSV_TYPE = 'text/csv';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The media type the service expects for a chosen file, or null if it is neither. */
export function mediaTypeOf(file: { name: string; type: string }): string | null {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv') || file.type === CSV_TYPE) return CSV_TYPE;
  if (name.endsWith('.xlsx') || file.type === XLSX_TYPE) return XLSX_TYPE;
  return null;
}

/** Bytes sent so far, of how many. */
export type SendProgress = { sent: number; total: number };

/**
 * fetch() cannot report an upload's progress, so the request openapi-fetch built (its URL
 * and headers, the bearer token among them) is sent with XMLHttpRequest instead. The file
 * itself is sent, not the Request's stream: the browser then streams it from disk.
 */
export function sendWithProgress(file: File, onProgress: (progress: SendProgress) => void) {
  return (request: Request): Promise<Response> =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(request.method, request.url);
      request.headers.forEach((value, name) => {
        xhr.setRequestHeader(name, value);
      });
      // The answer is JSON (the import, or a problem): text is all it needs.
      xhr.responseType = 'text';
      xhr.upload.onprogress = (event) => {
        onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : file.size });
      };
      xhr.onload = () => {
        const headers = new Headers();
        for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
          const at = line.indexOf(':');
          if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
        }
        resolve(new Response(xhr.response as string, { status: xhr.status, headers }));
      };
      xhr.onerror = () => {
        reject(new TypeError('The file could not be sent'));
      };
      xhr.onabort = () => {
        reject(new DOMException('The upload was stopped', 'AbortError'));
      };
      request.signal.addEventListener('abort', () => {
        xhr.abort();
      });
      xhr.send(file);
    });
}

/**
 * POST /equity/datasets/{id}/files: the whole file, imported whole or not at all. Answers
 * only when every row has been checked: 201 with the import, or a 422 whose errors list the
 * refused rows (nothing imported).
 */
export async function uploadActivityFile(
  client: AggregationClient,
  datasetId: number,
  file: File,
  mediaType: string,
  onProgress: (progress: SendProgress) => void,
): Promise<ImportRecord> {
  const { data, error, response } = await client.POST('/api/aggregation/equity/datasets/{dataset_id}/files', {
    params: { path: { dataset_id: datasetId } },
    // The body is the file itself, as it is on disk (the contract types it as a string).
    body: '',
    bodySerializer: () => file,
    headers: { 'Content-Type': mediaType },
    fetch: sendWithProgress(file, onProgress),
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export type Upload = { file: File; mediaType: string };

export function useUploadActivityFile(datasetId: number, onProgress: (progress: SendProgress) => void) {
  const { aggregation } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, mediaType }: Upload) =>
      uploadActivityFile(aggregation, datasetId, file, mediaType, onProgress),
    onSuccess: async () => {
      // New records: the dataset's count and every analysis of it change.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: equityKeys.dataset(datasetId), exact: true }),
        queryClient.invalidateQueries({ queryKey: equityKeys.datasets, exact: true }),
        queryClient.invalidateQueries({ queryKey: equityKeys.analyses(datasetId) }),
      ]);
    },
  });
}
