import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createTestUser, fakeFetch, jsonResponse, renderApp } from '@/testing/test-utils';

const BOARD = {
  instrument: 'board-self-assessment',
  variant: 'standard',
  version: '9.0.0',
  title: 'A made-up board self-assessment',
  status: 'published',
  subject_type: 'organisation',
  terms: { section: 'domain', item: 'question' },
  response_scales: [
    { id: 'progress', label: 'How far', options: [{ code: 'no', label: 'Not in place', value: 0 }, { code: 'yes', label: 'In place', value: 1 }] },
  ],
  sections: [
    { id: 'capacity', title: 'Capacity', items: [{ id: 'q1', text: 'Question one', scale: 'progress' }] },
    { id: 'data', title: 'Data', items: [{ id: 'q2', text: 'Question two', scale: 'progress' }] },
  ],
};

const domain = (id: string, title: string, score: number, code: string, label: string) => ({
  domain: id,
  title,
  score,
  maturity_level: { code, label },
  answered: 1,
  total: 1,
});

const RESULTS = {
  code: 'AQabcdefghijklmnopqrstuvwxyz_-0123',
  responses: { q1: 'yes', q2: 'no' },
  results: {
    instrument_version: '9.0.0',
    domains: [domain('capacity', 'Capacity', 100, 'thriving', 'Thriving'), domain('data', 'Data', 0, 'not_started', 'Not started')],
    overall: domain('overall', 'Overall', 50, 'developing', 'Developing'),
    suggested_objectives: [
      { ref: '3.4', text: 'Name a board lead', domain: 'data', board_role: 'chair', priority: true, levels: ['not_started'] },
    ],
  },
};

const ME = {
  subject: 'user-grace',
  kind: 'user',
  name: 'Grace Lin',
  organisation: { ods_code: 'EQA', name: 'Equitas Demo Trust A' },
  role: { code: 'R8009', name: 'Board member' },
  permissions: ['board:assess'],
  scopes: [],
  teams: [],
};

function fakeScoring() {
  const network = fakeFetch((request) => {
    const path = new URL(request.url).pathname;
    if (request.method === 'GET' && path === '/api/scoring/me') return jsonResponse(ME);
    if (request.method === 'GET' && path === '/api/scoring/instruments') {
      return jsonResponse([{ instrument: BOARD.instrument, variant: 'standard', version: '9.0.0', title: BOARD.title, status: 'published', subject_type: 'organisation' }]);
    }
    if (request.method === 'GET' && path === '/api/scoring/instruments/board-self-assessment/standard/9.0.0') {
      return jsonResponse(BOARD);
    }
    if (request.method === 'POST' && path === '/api/scoring/private/board-self-assessment') {
      return jsonResponse(RESULTS);
    }
    return undefined;
  });
  vi.stubGlobal('fetch', vi.fn(network.fetch));
  return network;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const WAIT = { timeout: 5000 };

describe('the private board self-assessment', () => {
  it('sends the answers to the private endpoint only, and puts the code in the fragment', async () => {
    const network = fakeScoring();
    const { events, router } = await renderApp({ path: '/board/private', user: createTestUser() });

    await screen.findByRole('heading', { level: 1, name: /Capacity/ }, WAIT);
    expect(screen.getByText(/nothing you answer is stored/)).toBeInTheDocument();
    await events.click(within(screen.getByRole('group', { name: 'Question one' })).getByLabelText('In place'));
    await events.click(screen.getByRole('button', { name: 'Continue' }));
    await events.click(within(await screen.findByRole('group', { name: 'Question two' })).getByLabelText('Not in place'));
    await events.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { level: 1, name: /Check your answers/ });
    await events.click(screen.getByRole('button', { name: 'See your results' }));

    const heading = await screen.findByRole('heading', { level: 1, name: /Your results/ });
    await waitFor(() => {
      expect(heading).toHaveFocus();
    });
    expect(router.state.location.pathname).toBe('/board/private');
    expect(router.state.location.search).toBe('');
    expect(router.state.location.hash).toBe(`#code=${RESULTS.code}`);
    expect(screen.getByTestId('private-link')).toHaveValue(`http://localhost:3000/board/private#code=${RESULTS.code}`);
    const table = screen.getByTestId('maturity-table');
    expect(within(table).getByRole('rowheader', { name: /Capacity/ }).closest('tr')).toHaveTextContent('Thriving');
    expect(screen.getByTestId('suggested-objectives')).toHaveTextContent(/3\.4 Name a board lead\s*Priority/);

    // Only reads, and one write: the stateless private endpoint, with the answers in its body.
    const writes = network.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => new URL(r.url).pathname)).toEqual(['/api/scoring/private/board-self-assessment']);
    expect(await writes[0]?.json()).toEqual({ responses: { q1: 'yes', q2: 'no' } });
    expect(network.requests.some((r) => r.url.includes(RESULTS.code))).toBe(false);
  });

  it('opens a link without logging in: the code goes in the body, never the address', async () => {
    const network = fakeScoring();
    await renderApp({ path: `/board/private#code=${RESULTS.code}` });

    await screen.findByRole('heading', { level: 1, name: /Your results/ }, WAIT);
    expect(screen.getByTestId('maturity-table')).toHaveTextContent('Developing');
    const [post] = network.requests.filter((r) => r.method === 'POST');
    expect(post && new URL(post.url).pathname).toBe('/api/scoring/private/board-self-assessment');
    expect(await post?.json()).toEqual({ code: RESULTS.code });
    expect(network.requests.some((r) => r.url.includes(RESULTS.code))).toBe(false);
  });

  it('asks to log in to answer when opened without a link', async () => {
    fakeScoring();
    await renderApp({ path: '/board/private' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Board self-assessment in private' }, WAIT)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Log in' })).toBeInTheDocument();
  });
});
