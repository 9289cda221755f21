const NONCE_BYTES = 32;

/**
 * A fresh, unguessable nonce for one login (OIDC Core 1.0 §3.1.2.1). NHS CIS2 and the
 * dev IdP refuse an authorisation request without one. oidc-client-ts keeps it in the
 * sign-in state and checks that the ID token carries the same value, which binds the
 * token to this browser's request (replay protection on top of PKCE).
 */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
