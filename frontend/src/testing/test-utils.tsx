import type { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { User, type UserManager } from 'oidc-client-ts';
import { StrictMode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';

import { AppProvider } from '@/app/provider';
import { createAppRoutes } from '@/app/router';
import { parseEnv } from '@/config/env';
import { createUserManager } from '@/lib/auth';
import { createQueryClient } from '@/lib/react-query';

export const TEST_ORIGIN = 'http://localhost:3000';

export const testConfig = parseEnv({}, TEST_ORIGIN);

/** A signed-in user as oidc-client-ts holds it after the code exchange. */
export function createTestUser({
  name = 'Ada Lovelace',
  sub = 'user-ada',
  accessToken = 'test-access-token',
}: { name?: string; sub?: string; accessToken?: string } = {}): User {
  const now = Math.floor(Date.now() / 1000);
  return new User({
    id_token: 'test-id-token',
    access_token: accessToken,
    token_type: 'Bearer',
    scope: testConfig.oidc.scope,
    expires_at: now + 3600,
    profile: {
      sub,
      name,
      iss: testConfig.oidc.authority,
      aud: testConfig.oidc.clientId,
      exp: now + 3600,
      iat: now,
    },
  });
}

type RenderAppOptions = {
  path?: string;
  /** Signed in as this user; nobody when omitted. */
  user?: User;
  queryClient?: QueryClient;
};

/** Renders the whole app (providers, layout, routes) at `path`, as in a browser. */
export async function renderApp({
  path = '/',
  user,
  queryClient = createQueryClient(),
}: RenderAppOptions = {}) {
  const userManager: UserManager = createUserManager(testConfig.oidc, window.sessionStorage);
  if (user !== undefined) {
    await userManager.storeUser(user);
  }
  queryClient.setDefaultOptions({ queries: { retry: false } });
  const router = createMemoryRouter(createAppRoutes(), { initialEntries: [path] });
  // StrictMode as in main.tsx: effects run twice, as they do in development.
  const view = render(
    <StrictMode>
      <AppProvider config={testConfig} userManager={userManager} queryClient={queryClient}>
        <RouterProvider router={router} />
      </AppProvider>
    </StrictMode>,
  );
  return { ...view, router, userManager, queryClient, events: userEvent.setup() };
}

type FetchRoute = (request: Request) => Response | undefined | Promise<Response | undefined>;

/**
 * A fetch that answers only the routes given (first match wins) and fails loudly on
 * anything else. Keeps every request it saw for assertions.
 */
export function fakeFetch(...routes: FetchRoute[]) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    requests.push(request.clone());
    for (const route of routes) {
      const response = await route(request);
      if (response !== undefined) return response;
    }
    throw new Error(`Unexpected request: ${request.method} ${request.url}`);
  };
  return { fetch, requests };
}

export function jsonResponse(body: unknown, status = 200, contentType = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

export function on(method: string, pathname: string, respond: () => Response): FetchRoute {
  return (request) =>
    request.method === method && new URL(request.url).pathname === pathname
      ? respond()
      : undefined;
}
