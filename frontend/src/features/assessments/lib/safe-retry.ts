import { isApiError } from '@/lib/api';

/**
 * Safe retries for the requests that create or submit (decision 0019 in the services): the
 * caller makes one Idempotency-Key per user action and sends every attempt with it, so a
 * request that timed out or met a busy service can be sent again without doing it twice
 * (the service answers a repeat with the first answer).
 */

/** A fresh key. randomUUID needs a secure context; getRandomValues does not. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const IDEMPOTENCY_FIELD = 'header.idempotency-key';
const ATTEMPTS = 3;
const WAIT_MS = 1000;

/** Worth sending again with the same key: no answer at all, a busy service, or the key's
 * first request still running (the service asks to retry shortly). */
export function worthRetrying(error: unknown): boolean {
  if (!isApiError(error)) return error instanceof TypeError; // fetch: network failure
  if (error.status === 502 || error.status === 503 || error.status === 504) return true;
  return (
    error.status === 409 &&
    (error.problem?.errors ?? []).some((problem) => problem.field === IDEMPOTENCY_FIELD)
  );
}

export async function withRetries<T>(
  send: () => Promise<T>,
  wait: (ms: number) => Promise<void> = (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= ATTEMPTS || !worthRetrying(error)) throw error;
      await wait(WAIT_MS * attempt);
    }
  }
}
