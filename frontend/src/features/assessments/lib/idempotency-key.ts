/**
 * A fresh key per user action (not per network attempt). randomUUID needs a secure context;
 * getRandomValues does not, so a plain-http test site still works.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
