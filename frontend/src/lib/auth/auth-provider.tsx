import type { User, UserManager } from 'oidc-client-ts';
import {
  createContext,
  use,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';

import { paths } from '@/config/paths';

import { createNonce } from './nonce';
import { safeReturnTo } from './return-to';
import { isCurrent } from './user-manager';

export type AuthStatus = 'loading' | 'ready';

/** 'ok' while tokens renew; 'failed' when the last renewal did not work. */
export type RenewalStatus = 'ok' | 'failed';

export type AuthContextValue = {
  /** 'loading' until the stored session (if any) has been read. */
  status: AuthStatus;
  /** The signed-in user, or null. */
  user: User | null;
  renewal: RenewalStatus;
  /** True once a session ended on its own (expired), until the next login or logout. */
  sessionEnded: boolean;
  /** Renews the tokens now (the refresh token grant); resolves false if that failed. */
  renew: () => Promise<boolean>;
  /** Sends the browser to the IdP; `returnTo` is where to land afterwards. */
  login: (returnTo?: string) => Promise<void>;
  /** Completes the code exchange on the callback URL; resolves to the return path. */
  completeLogin: (url?: string) => Promise<string>;
  /** Ends the session here and at the IdP. Resolves only if the IdP could not be reached. */
  logout: () => Promise<void>;
};

const AuthContext = createContext<AuthContextValue | null>(null);

type AuthProviderProps = {
  userManager: UserManager;
  children: ReactNode;
};

export function AuthProvider({ userManager, children }: AuthProviderProps) {
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [user, setUser] = useState<User | null>(null);
  const [renewal, setRenewal] = useState<RenewalStatus>('ok');
  const [sessionEnded, setSessionEnded] = useState(false);
  // A callback URL's code can be exchanged once only, but StrictMode (and a remount)
  // runs effects twice: the second caller shares the first exchange.
  const callbacks = useRef(new Map<string, Promise<string>>());
  const pendingLogout = useRef<Promise<void> | null>(null);

  useEffect(() => {
    let active = true;
    const onLoaded = (loaded: User) => {
      setUser(loaded);
      setRenewal('ok');
      setSessionEnded(false);
    };
    const onUnloaded = () => {
      setUser(null);
    };
    const onRenewFailed = () => {
      setRenewal('failed');
    };
    // Renewal did not work in time: an expired access token ends the session in this tab.
    const onExpired = () => {
      setSessionEnded(true);
      void userManager.removeUser();
    };
    const unsubscribe = [
      userManager.events.addUserLoaded(onLoaded),
      userManager.events.addUserUnloaded(onUnloaded),
      userManager.events.addSilentRenewError(onRenewFailed),
      userManager.events.addAccessTokenExpired(onExpired),
    ];

    void userManager
      .getUser()
      .then(async (stored) => {
        if (stored !== null && !isCurrent(stored)) {
          await userManager.removeUser();
        }
        if (active) {
          setUser(isCurrent(stored) ? stored : null);
        }
      })
      .finally(() => {
        if (active) {
          setStatus('ready');
        }
      });

    return () => {
      active = false;
      for (const remove of unsubscribe) remove();
    };
  }, [userManager]);

  const login = useCallback(
    async (returnTo: string = paths.home.getHref()) => {
      await userManager.signinRedirect({ state: { returnTo }, nonce: createNonce() });
    },
    [userManager],
  );

  const completeLogin = useCallback(
    (url: string = window.location.href) => {
      let pending = callbacks.current.get(url);
      if (pending === undefined) {
        pending = userManager.signinRedirectCallback(url).then((signedIn) => {
          setUser(signedIn);
          return safeReturnTo(signedIn.state);
        });
        callbacks.current.set(url, pending);
      }
      return pending;
    },
    [userManager],
  );

  const renew = useCallback(async () => {
    try {
      // Raises UserLoaded on success, which clears the failure.
      await userManager.signinSilent();
      return true;
    } catch {
      setRenewal('failed');
      return false;
    }
  }, [userManager]);

  const logout = useCallback(() => {
    setSessionEnded(false);
    pendingLogout.current ??= (async () => {
      try {
        // Removes the user from the store, then navigates to the IdP's end-session
        // endpoint, which returns to post_logout_redirect_uri.
        await userManager.signoutRedirect();
      } catch {
        // The IdP has no end-session endpoint or cannot be reached: at least end the
        // session in this tab.
        await userManager.removeUser();
      } finally {
        pendingLogout.current = null;
      }
    })();
    return pendingLogout.current;
  }, [userManager]);

  const value = useMemo<AuthContextValue>(
    () => ({ status, user, renewal, sessionEnded, renew, login, completeLogin, logout }),
    [status, user, renewal, sessionEnded, renew, login, completeLogin, logout],
  );

  return <AuthContext value={value}>{children}</AuthContext>;
}

export function useAuth(): AuthContextValue {
  const value = use(AuthContext);
  if (value === null) {
    throw new Error('useAuth must be used inside <AuthProvider>');
  }
  return value;
}
