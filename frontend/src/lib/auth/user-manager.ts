import {
  InMemoryWebStorage,
  UserManager,
  WebStorageStateStore,
  type User,
} from 'oidc-client-ts';

import type { OidcConfig } from '@/config/env';

/** How long before the access token expires its renewal starts, and the warning shows
 * if renewal fails. */
export const RENEW_BEFORE_EXPIRY_S = 120;

/**
 * The OIDC client: authorization code flow with PKCE (S256, always on in oidc-client-ts).
 *
 * `stateStorage` holds only the short-lived sign-in request (state, nonce, PKCE
 * verifier), which has to survive the round trip to the IdP; it is removed when the
 * callback completes. It defaults to sessionStorage: one tab, gone when the tab closes.
 */
export function createUserManager(
  oidc: OidcConfig,
  stateStorage: Storage = window.sessionStorage,
): UserManager {
  return new UserManager({
    authority: oidc.authority,
    client_id: oidc.clientId,
    redirect_uri: oidc.redirectUri,
    post_logout_redirect_uri: oidc.postLogoutRedirectUri,
    scope: oidc.scope,
    response_type: 'code',
    // Tokens are kept in this tab's memory only, never in localStorage or
    // sessionStorage where any script running on the origin could read them. A reload
    // forgets them; the IdP's session cookie makes logging in again a single click.
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: stateStorage }),
    // Renewed with the refresh token (rotated by the IdP on every use) a little before
    // the access token expires, so a long assessment never loses its session. No hidden
    // iframes and no check-session polling. If renewal fails the user is warned before
    // the access token expires (features/session), and then the session in this tab ends.
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: RENEW_BEFORE_EXPIRY_S,
    monitorSession: false,
    // The services, not the IdP's userinfo endpoint, say who the caller is (/api/scoring/me).
    loadUserInfo: false,
  });
}

/** The access token of a current (unexpired) session, or null. */
export async function readAccessToken(userManager: UserManager): Promise<string | null> {
  const user = await userManager.getUser();
  return isCurrent(user) ? user.access_token : null;
}

export function isCurrent(user: User | null): user is User {
  return user !== null && user.expired !== true;
}
