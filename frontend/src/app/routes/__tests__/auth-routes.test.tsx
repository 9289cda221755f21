import { screen, waitFor } from '@testing-library/react';
import { ErrorResponse, UserManager } from 'oidc-client-ts';
import { describe, expect, it, vi } from 'vitest';

import { createTestUser, renderApp } from '@/testing/test-utils';

describe('/callback', () => {
  it('completes the login once, then goes to the page the user came from', async () => {
    const user = createTestUser();
    Object.assign(user, { state: { returnTo: '/' } });
    const callback = vi
      .spyOn(UserManager.prototype, 'signinRedirectCallback')
      .mockResolvedValue(user);
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new Error('offline'))));

    const { router } = await renderApp({ path: '/callback?code=abc&state=xyz' });

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/');
    });
    expect(callback).toHaveBeenCalledTimes(1);
    expect(await screen.findByRole('link', { name: 'Log out' })).toBeInTheDocument();
  });

  it('explains a refused login and offers to try again', async () => {
    vi.spyOn(UserManager.prototype, 'signinRedirectCallback').mockRejectedValue(
      new ErrorResponse({ error: 'access_denied', error_description: 'User cancelled' }),
    );
    vi.spyOn(console, 'error').mockImplementation(() => undefined);

    await renderApp({ path: '/callback?error=access_denied&state=xyz' });

    expect(
      await screen.findByRole('heading', { name: 'You could not be logged in' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'You did not give permission to log in, or you do not have access to Equitas.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Log in again' })).toBeInTheDocument();
  });
});

describe('/logout', () => {
  it('ends the session at the IdP', async () => {
    const signoutRedirect = vi
      .spyOn(UserManager.prototype, 'signoutRedirect')
      .mockResolvedValue(undefined);

    await renderApp({ path: '/logout', user: createTestUser() });

    await waitFor(() => {
      expect(signoutRedirect).toHaveBeenCalledTimes(1);
    });
  });

  it('still ends the session here when the IdP cannot be reached', async () => {
    vi.spyOn(UserManager.prototype, 'signoutRedirect').mockRejectedValue(
      new Error('No end session endpoint'),
    );

    const { router, userManager } = await renderApp({ path: '/logout', user: createTestUser() });

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/');
    });
    expect(await userManager.getUser()).toBeNull();
    expect(await screen.findByRole('button', { name: 'Log in' })).toBeInTheDocument();
  });
});
