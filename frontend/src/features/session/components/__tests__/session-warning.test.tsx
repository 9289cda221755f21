import { act, screen } from '@testing-library/react';
import { UserManager } from 'oidc-client-ts';
import { describe, expect, it, vi } from 'vitest';

import { clinicianMe, stubNetwork } from '@/testing/staff';
import { createTestUser, jsonResponse, on, renderApp } from '@/testing/test-utils';

import { timeLeftText } from '../session-warning';

const me = on('GET', '/api/scoring/me', () => jsonResponse(clinicianMe()));

describe('the session warning', () => {
  it('stays hidden while tokens renew', { timeout: 15_000 }, async () => {
    stubNetwork(me);
    await renderApp({ path: '/', user: createTestUser() });
    await screen.findByRole('heading', { level: 1, name: 'Your account' }, { timeout: 5000 });
    expect(screen.queryByTestId('session-warning')).not.toBeInTheDocument();
  });

  it('warns when renewal fails, and "Stay logged in" tries again', async () => {
    stubNetwork(me);
    const { userManager, events } = await renderApp({ path: '/', user: createTestUser() });
    await screen.findByRole('heading', { level: 1, name: 'Your account' }, { timeout: 5000 });
    const renewed = createTestUser();
    const signinSilent = vi.spyOn(userManager, 'signinSilent').mockImplementation(async () => {
      await userManager.storeUser(renewed);
      await userManager.events.load(renewed);
      return renewed;
    });

    await act(async () => {
      await userManager.events._raiseSilentRenewError(new Error('refresh token refused'));
    });
    const warning = await screen.findByTestId('session-warning');
    expect(warning).toHaveTextContent('Your session is about to end');
    expect(warning).toHaveTextContent('You will be logged out in about 60 minutes.');

    await events.click(screen.getByRole('button', { name: 'Stay logged in' }));
    expect(signinSilent).toHaveBeenCalledOnce();
    expect(screen.queryByTestId('session-warning')).not.toBeInTheDocument();
  });

  it('says the session ended, and offers to log in again to the same page', { timeout: 15_000 }, async () => {
    stubNetwork(me);
    vi.spyOn(UserManager.prototype, 'signinSilent').mockRejectedValue(new Error('IdP unreachable'));
    // Renewal fails at once (the token is within its renewal window) and it expires in 2 s.
    const user = createTestUser();
    user.expires_in = 2;
    await renderApp({ path: '/', user });

    const banner = await screen.findByText('Your session has ended', {}, { timeout: 8000 });
    expect(banner.closest('[data-testid="session-warning"]')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Log in again' })).toBeInTheDocument();
  });

  it('counts down in minutes', () => {
    expect(timeLeftText(30)).toBe('less than a minute');
    expect(timeLeftText(90)).toBe('about 2 minutes');
    expect(timeLeftText(60)).toBe('about 1 minute');
  });
});
