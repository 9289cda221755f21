import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createTestUser, fakeFetch, jsonResponse, renderApp } from '@/testing/test-utils';

const COMMISSIONER = {
  subject: 'user-femi',
  kind: 'user',
  name: 'Femi Adeyemi',
  organisation: { ods_code: 'QZZ', name: 'Equitas Demo ICB' },
  role: { code: 'R8008', name: 'Commissioner' },
  permissions: ['aggregate:read'],
  scopes: [],
  teams: [],
};

const summary = (id: string, organisation: string, instrument: string, status = 'submitted') => ({
  id,
  organisation_code: organisation,
  subject_type: 'organisation',
  project_id: null,
  instrument,
  instrument_version: '1.0.0',
  assessed_on: '2026-03-01',
  review_due_on: null,
  status,
  revision: 1,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('a commissioner on the board pages', () => {
  it('reads its trusts’ records side by side, with nothing to start', async () => {
    const network = fakeFetch((request) => {
      const path = new URL(request.url).pathname;
      if (path === '/api/scoring/me') return jsonResponse(COMMISSIONER);
      if (path === '/api/scoring/organisational-assessments') {
        return jsonResponse([
          summary('a-1', 'EQA', 'board-self-assessment'),
          summary('b-1', 'EQB', 'board-self-assessment', 'draft'),
          summary('a-2', 'EQA', 'board-assurance'),
        ]);
      }
      if (path === '/api/scoring/projects') return jsonResponse({ items: [], next_cursor: null });
      return undefined;
    });
    vi.stubGlobal('fetch', vi.fn(network.fetch));
    await renderApp({ path: '/board', user: createTestUser() });

    await screen.findByRole('heading', { level: 1, name: 'Board and HEAT' }, { timeout: 5000 });
    expect(await screen.findByText(/organisations you commission, read only/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /^Start a/ })).not.toBeInTheDocument();
    const list = await screen.findByTestId('list-board-self-assessment');
    expect(within(list).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Assessed on',
      'Organisation',
      'Status',
    ]);
    expect(within(list).getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual([
      expect.stringContaining('EQA'),
      expect.stringContaining('EQB'),
    ]);
    // The HEAT audit of each trust, chosen by its code.
    expect(screen.getByRole('link', { name: /projects of EQB/ })).toHaveAttribute(
      'href',
      '/board/heat-audit?organisation=EQB',
    );
    expect(network.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('is told the page is not for their role when they neither assess nor read aggregates', async () => {
    const network = fakeFetch((request) =>
      new URL(request.url).pathname === '/api/scoring/me'
        ? jsonResponse({ ...COMMISSIONER, permissions: ['person:read'] })
        : undefined,
    );
    vi.stubGlobal('fetch', vi.fn(network.fetch));
    await renderApp({ path: '/board', user: createTestUser() });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'You do not have access to this page' }, { timeout: 5000 }),
    ).toBeInTheDocument();
  });
});
