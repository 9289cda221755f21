import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

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
 * refused rows (nothing imported). `importKey` (a UUID chosen here) lets `useImportProgress`
 * find the import while the request is open (decision 0050).
 */
export async function uploadActivityFile(
  client: AggregationClient,
  datasetId: number,
  upload: Upload,
  onProgress: (progress: SendProgress) => void,
): Promise<ImportRecord> {
  const { file, mediaType, importKey } = upload;
  const { data, error, response } = await client.POST('/api/aggregation/equity/datasets/{dataset_id}/files', {
    params: { path: { dataset_id: datasetId }, query: { import_key: importKey } },
    // The body is the file itself, as it is on disk (the contract types it as a string).
    body: '',
    bodySerializer: () => file,
    headers: { 'Content-Type': mediaType },
    fetch: sendWithProgress(file, onProgress),
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export type Upload = { file: File; mediaType: string; importKey: string };

/** A new upload of `file`, under a key of its own. */
export function newUpload(file: File, mediaType: string): Upload {
  return { file, mediaType, importKey: crypto.randomUUID() };
}

export function useUploadActivityFile(datasetId: number, onProgress: (progress: SendProgress) => void) {
  const { aggregation } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (upload: Upload) => uploadActivityFile(aggregation, datasetId, upload, onProgress),
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

/** GET /equity/datasets/{id}/imports?import_key=: the upload's import, or null before the service has begun it. */
export async function getImportByKey(
  client: AggregationClient,
  datasetId: number,
  importKey: string,
  signal?: AbortSignal,
): Promise<ImportRecord | null> {
  const { data, error, response } = await client.GET('/api/aggregation/equity/datasets/{dataset_id}/imports', {
    params: { path: { dataset_id: datasetId }, query: { import_key: importKey, limit: 1 } },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data.items[0] ?? null;
}

export const PROGRESS_EVERY_MS = 1000;

/** The rows checked so far of the upload sent with `importKey`, asked every second while `following`. */
export function useImportProgress(datasetId: number, importKey: string | null, following: boolean) {
  const { aggregation } = useApiClients();
  return useQuery(
    queryOptions({
      queryKey: equityKeys.importByKey(datasetId, importKey ?? ''),
      queryFn: ({ signal }) => getImportByKey(aggregation, datasetId, importKey ?? '', signal),
      enabled: following && importKey !== null,
      refetchInterval: following ? PROGRESS_EVERY_MS : false,
      // A missed answer is shown by the next one; the upload's own answer is what counts.
      retry: false,
    }),
  );
}
