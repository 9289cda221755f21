import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createTestUser, fakeFetch, jsonResponse, renderApp } from '@/testing/test-utils';

import type { OrgAssessment } from '../api/assessments';

const SCORECARD = {
  instrument: 'board-assurance',
  variant: 'standard',
  version: '9.0.0',
  title: 'A made-up scorecard',
  status: 'published',
  subject_type: 'organisation',
  terms: { section: 'key line of enquiry', item: 'cell' },
  response_scales: [
    {
      id: 'assurance',
      label: 'How assured',
      options: [
        { code: 'not_assured', label: 'Not assured', value: 0, colour: 'red' },
        { code: 'assured', label: 'Assured', value: 2, colour: 'green' },
      ],
    },
  ],
  sections: [
    { id: 'k1', title: 'K1 Leadership', items: [{ id: 'k1_p1', text: 'Cell one', scale: 'assurance' }, { id: 'k1_p2', text: 'Cell two', scale: 'assurance' }] },
    { id: 'k2', title: 'K2 Strategy', items: [{ id: 'k2_p1', text: 'Cell three', scale: 'assurance' }] },
  ],
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

function draft(): OrgAssessment {
  return {
    id: 'o-1',
    organisation_code: 'EQA',
    subject_type: 'organisation',
    project_id: null,
    instrument: 'board-assurance',
    variant: 'standard',
    instrument_version: '9.0.0',
    episode_type: null,
    assessed_on: '2026-03-01',
    review_due_on: null,
    status: 'draft',
    revision: 0,
    version: 1,
    responses: { k1_p1: 'assured' },
    item_notes: {},
    scores: null,
    created_by: 'someone',
    updated_at: '2026-03-01T10:00:00Z',
    submitted_at: null,
    deleted: false,
  };
}

function fakeScoring() {
  let current = draft();
  const patches: { ifMatch: string | null; body: unknown }[] = [];
  const network = fakeFetch(async (request) => {
    const path = new URL(request.url).pathname;
    if (request.method === 'GET' && path === '/api/scoring/me') return jsonResponse(ME);
    if (request.method === 'GET' && path === '/api/scoring/instruments/board-assurance/standard/9.0.0') {
      return jsonResponse(SCORECARD);
    }
    if (request.method === 'GET' && path === '/api/scoring/organisational-assessments/o-1') {
      return jsonResponse(current);
    }
    if (request.method === 'PATCH' && path === '/api/scoring/organisational-assessments/o-1') {
      const body = (await request.json()) as {
        responses?: Record<string, string | null>;
        item_notes?: Record<string, { evidence: string | null; action: string | null } | null>;
      };
      patches.push({ ifMatch: request.headers.get('If-Match'), body });
      if (request.headers.get('If-Match') !== `"${String(current.version)}"`) {
        return jsonResponse({ title: 'Precondition Failed', status: 412 }, 412, 'application/problem+json');
      }
      const responses = { ...current.responses };
      for (const [key, value] of Object.entries(body.responses ?? {})) {
        if (value === null) Reflect.deleteProperty(responses, key);
        else responses[key] = value;
      }
      const notes = { ...current.item_notes };
      for (const [key, value] of Object.entries(body.item_notes ?? {})) {
        if (value === null) Reflect.deleteProperty(notes, key);
        else notes[key] = value;
      }
      current = { ...current, responses, item_notes: notes, version: current.version + 1 };
      return jsonResponse(current);
    }
    return undefined;
  });
  vi.stubGlobal('fetch', vi.fn(network.fetch));
  return {
    patches,
    current: () => current,
    theirEdit: (responses: Record<string, string>) => {
      current = { ...current, responses: { ...current.responses, ...responses }, version: current.version + 1 };
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const WAIT = { timeout: 5000 };

describe('a stored scorecard draft', () => {
  it('saves what changed on the step, notes included, with If-Match', async () => {
    const api = fakeScoring();
    const { events } = await renderApp({ path: '/board/assessments/o-1', user: createTestUser() });

    // It reopens at the first key line of enquiry with a cell unanswered.
    await screen.findByRole('heading', { level: 1, name: /K1 Leadership/ }, WAIT);
    await events.click(within(screen.getByRole('group', { name: 'Cell two' })).getByLabelText('Not assured'));
    const [, secondCell] = screen.getAllByLabelText('Evidence seen (optional)');
    if (secondCell === undefined) throw new Error('the second cell has no evidence box');
    await events.type(secondCell, 'Board paper');
    await events.click(screen.getByRole('button', { name: 'Save and continue' }));

    await screen.findByRole('heading', { level: 1, name: /K2 Strategy/ });
    expect(api.patches).toEqual([
      {
        ifMatch: '"1"',
        body: { responses: { k1_p2: 'not_assured' }, item_notes: { k1_p2: { evidence: 'Board paper', action: null } } },
      },
    ]);
  });

  it('after a colleague saved meanwhile, keeps both sets of changes and names the cell both changed', async () => {
    const api = fakeScoring();
    const { events } = await renderApp({ path: '/board/assessments/o-1', user: createTestUser() });

    await screen.findByRole('heading', { level: 1, name: /K1 Leadership/ }, WAIT);
    api.theirEdit({ k1_p2: 'assured', k2_p1: 'assured' });
    await events.click(within(screen.getByRole('group', { name: 'Cell two' })).getByLabelText('Not assured'));
    await events.click(screen.getByRole('button', { name: 'Save and continue' }));

    await screen.findByRole('heading', { level: 1, name: /K2 Strategy/ });
    await waitFor(() => {
      expect(api.current().responses).toEqual({ k1_p1: 'assured', k1_p2: 'not_assured', k2_p1: 'assured' });
    });
    expect(api.patches.map((p) => p.ifMatch)).toEqual(['"1"', '"2"']);
    expect(screen.getByTestId('clashes')).toHaveTextContent('Cell two');
    // Their answer on the next step is on screen.
    expect(within(screen.getByRole('group', { name: 'Cell three' })).getByLabelText('Assured')).toBeChecked();
  });
});
