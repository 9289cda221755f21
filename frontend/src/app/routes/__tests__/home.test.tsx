import { screen, within } from '@testing-library/react';
import { UserManager } from 'oidc-client-ts';
import { describe, expect, it, vi } from 'vitest';

import {
  createTestUser,
  fakeFetch,
  jsonResponse,
  on,
  renderApp,
} from '@/testing/test-utils';

const ME = {
  subject: 'user-ada',
  kind: 'user',
  name: 'Ada Lovelace',
  organisation: { ods_code: 'EQA', name: 'Equitas Demo Trust A' },
  role: { code: 'R8000', name: 'Clinical Practitioner Access Role' },
  permissions: ['assessment:read'],
  scopes: [],
  teams: [{ code: 'CLDT-N', name: 'North community learning disability team', role: 'lead' }],
};

/** The network as the browser sees it; anything unexpected fails the test. */
function stubNetwork(...routes: Parameters<typeof fakeFetch>) {
  const network = fakeFetch(...routes);
  vi.stubGlobal('fetch', vi.fn(network.fetch));
  return network;
}

describe('home page', () => {
  it('shows the start page with a Log in button when nobody is signed in', async () => {
    const network = stubNetwork();
    const signinRedirect = vi
      .spyOn(UserManager.prototype, 'signinRedirect')
      .mockResolvedValue(undefined);
    const { events } = await renderApp({ path: '/' });

    expect(await screen.findByRole('heading', { level: 1, name: 'Equitas' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Your account' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Log out' })).not.toBeInTheDocument();
    expect(document.title).toBe('Equitas');

    await events.click(screen.getByRole('button', { name: 'Log in' }));

    expect(signinRedirect).toHaveBeenCalledExactlyOnceWith({
      state: { returnTo: '/' },
      // Base64url of 32 random bytes: CIS2 and the dev IdP refuse a login without a nonce.
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
    });
    expect(network.requests).toEqual([]);
  });

  it('shows the signed-in user, organisation and role from /api/scoring/me', async () => {
    const network = stubNetwork(on('GET', '/api/scoring/me', () => jsonResponse(ME)));
    await renderApp({ path: '/', user: createTestUser({ name: 'Ada Lovelace' }) });

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Your account' }),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('user-name')).toHaveTextContent(/^Ada Lovelace$/);
    expect(screen.getByTestId('user-organisation')).toHaveTextContent(
      /^Equitas Demo Trust A \(EQA\)$/,
    );
    expect(screen.getByTestId('user-role')).toHaveTextContent('Clinical Practitioner Access Role');
    expect(screen.getByTestId('user-teams')).toHaveTextContent(
      'North community learning disability team (team lead)',
    );
    expect(document.title).toBe('Your account – Equitas');

    const account = screen.getByRole('navigation', { name: 'Account' });
    expect(within(account).getByText('Ada Lovelace')).toBeInTheDocument();
    expect(within(account).getByRole('link', { name: 'Log out' })).toHaveAttribute(
      'href',
      '/logout',
    );
    expect(screen.queryByRole('button', { name: 'Log in' })).not.toBeInTheDocument();

    // StrictMode mounts twice, which may cancel and repeat the request: each one counts.
    expect(network.requests.length).toBeGreaterThan(0);
    for (const request of network.requests) {
      expect(request.headers.get('Authorization')).toBe('Bearer test-access-token');
    }
  });

  it('says so when the user has no organisation or role', async () => {
    stubNetwork(
      on('GET', '/api/scoring/me', () =>
        jsonResponse({ ...ME, organisation: null, role: null, teams: [] }),
      ),
    );
    await renderApp({ path: '/', user: createTestUser() });

    expect(await screen.findByTestId('user-organisation')).toHaveTextContent('No organisation');
    expect(screen.getByTestId('user-role')).toHaveTextContent('No role selected');
    expect(screen.getByTestId('user-teams')).toHaveTextContent('Not in any team');
  });

  it('falls back to codes when the service has no names for them', async () => {
    stubNetwork(
      on('GET', '/api/scoring/me', () =>
        jsonResponse({
          ...ME,
          name: null,
          organisation: { ods_code: 'EQA', name: null },
          role: { code: 'R8000', name: null },
        }),
      ),
    );
    await renderApp({ path: '/', user: createTestUser() });

    expect(await screen.findByTestId('user-name')).toHaveTextContent(/^user-ada$/);
    expect(screen.getByTestId('user-organisation')).toHaveTextContent(/^EQA$/);
    expect(screen.getByTestId('user-role')).toHaveTextContent(/^R8000$/);
  });

  it('asks the user to log in again when the API says the token is no good', async () => {
    stubNetwork(
      on('GET', '/api/scoring/me', () =>
        jsonResponse(
          { type: 'about:blank', title: 'Unauthorized', status: 401 },
          401,
          'application/problem+json',
        ),
      ),
    );
    await renderApp({ path: '/', user: createTestUser() });

    const summary = await screen.findByRole('alert');
    expect(within(summary).getByRole('heading', { name: 'Your session has ended' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Log in again' })).toBeInTheDocument();
    expect(screen.queryByTestId('user-name')).not.toBeInTheDocument();
  });

  it('shows an NHS error summary when the service fails', async () => {
    stubNetwork(
      on('GET', '/api/scoring/me', () =>
        jsonResponse(
          { type: 'about:blank', title: 'Internal Server Error', status: 500 },
          500,
          'application/problem+json',
        ),
      ),
    );
    await renderApp({ path: '/', user: createTestUser() });

    const summary = await screen.findByRole('alert');
    expect(
      within(summary).getByRole('heading', { name: 'Sorry, there is a problem with the service' }),
    ).toBeVisible();
    expect(summary.closest('.nhsuk-error-summary')).toHaveFocus();
  });
});
