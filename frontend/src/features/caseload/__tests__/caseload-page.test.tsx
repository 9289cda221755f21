import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { clinicianMe, problemResponse, stubNetwork } from '@/testing/staff';
import { createTestUser, jsonResponse, on, renderApp } from '@/testing/test-utils';

const PERSON = {
  id: '2b0c1a52-9f43-4a8e-9c1e-1d1f0f6a7b11',
  nhs_number: '9991234567',
  given_name: 'Priya',
  family_name: 'Shah',
  birth_date: '1984-02-29',
  teams: ['NORTH'],
  last_assessment: {
    id: '7c1b7a52-9f43-4a8e-9c1e-1d1f0f6a7b22',
    episode_type: 'referral',
    assessed_on: '2026-03-01',
    status: 'submitted',
  },
  review_due: '2999-09-01',
};

const me = on('GET', '/api/scoring/me', () => jsonResponse(clinicianMe()));

function people(respond: (url: URL) => Response) {
  return (request: Request) => {
    const url = new URL(request.url);
    return request.method === 'GET' && url.pathname === '/api/scoring/people'
      ? respond(url)
      : undefined;
  };
}

describe('the caseload page', () => {
  it('lists people with their last assessment and when a review is due', async () => {
    stubNetwork(me, people(() => jsonResponse({ items: [PERSON], next_cursor: null })));
    await renderApp({ path: '/caseload', user: createTestUser() });

    // The first page load of a run imports the route module: allow it time.
    const table = await screen.findByRole(
      'table',
      { name: 'People on your teams’ caseloads' },
      { timeout: 5000 },
    );
    const [, row] = within(table).getAllByRole('row');
    expect(row).toHaveTextContent('SHAH, Priya');
    expect(row).toHaveTextContent('999 123 4567');
    expect(row).toHaveTextContent('Referral, 1 March 2026');
    expect(row).toHaveTextContent('1 September 2999');
    expect(within(table).getByRole('link', { name: 'SHAH, Priya' })).toHaveAttribute(
      'href',
      `/people/${PERSON.id}`,
    );
    expect(document.title).toBe('Your caseload – Equitas');
  });

  it('searches by NHS number with the spaces taken out, and says when no one matches', async () => {
    const network = stubNetwork(
      me,
      people((url) =>
        jsonResponse({ items: url.searchParams.has('nhs_number') ? [] : [PERSON], next_cursor: null }),
      ),
    );
    const { events } = await renderApp({ path: '/caseload', user: createTestUser() });
    await screen.findByRole('table');

    await events.type(screen.getByLabelText('Search your caseload by name or NHS number'), '999 000 0018');
    await events.click(screen.getByRole('button', { name: 'Search' }));

    expect(await screen.findByTestId('caseload-empty')).toHaveTextContent(
      'No one on your caseload matches your search',
    );
    const searched = network.requests.map((r) => new URL(r.url).searchParams.get('nhs_number'));
    expect(searched).toContain('9990000018');
  });

  it('says a failure in plain words, not a status code', async () => {
    stubNetwork(me, people(() => problemResponse(503, { title: 'Service Unavailable' })));
    await renderApp({ path: '/caseload', user: createTestUser() });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Sorry, Equitas is busyNothing was lost. Try again in a minute.',
    );
  });

  it('asks for a reason when another team cares for the person, and sends it', async () => {
    const bodies: unknown[] = [];
    stubNetwork(me, people(() => jsonResponse({ items: [], next_cursor: null })), async (request) => {
      if (request.method !== 'POST' || !request.url.endsWith('/api/scoring/teams/NORTH/caseload')) {
        return undefined;
      }
      const body = (await request.json()) as { reason: string | null };
      bodies.push(body);
      return body.reason === null
        ? problemResponse(409, {
            detail: 'Another team cares for this person',
            errors: [{ field: 'body.reason', message: 'required: break-glass' }],
          })
        : jsonResponse({ ...PERSON, teams: ['NORTH', 'SOUTH'] });
    });
    const { events } = await renderApp({ path: '/caseload', user: createTestUser() });
    await screen.findByTestId('caseload-empty');

    await events.type(screen.getByLabelText('NHS number', { exact: true }), '9991234567');
    await events.click(screen.getByRole('button', { name: 'Add to caseload' }));
    const reason = await screen.findByLabelText('Why do you need access?');
    await events.type(reason, 'Covering a visit this week');
    await events.click(screen.getByRole('button', { name: 'Give reason and add to caseload' }));

    expect(await screen.findByTestId('caseload-added')).toHaveTextContent(
      'Priya Shah is now on the caseload of North team.',
    );
    expect(bodies).toEqual([
      { nhs_number: '9991234567', reason: null },
      { nhs_number: '9991234567', reason: 'Covering a visit this week' },
    ]);
  });

  it('tells someone without a team that the caseload is not for them', async () => {
    stubNetwork(on('GET', '/api/scoring/me', () => jsonResponse(clinicianMe({ teams: [] }))));
    await renderApp({ path: '/caseload', user: createTestUser() });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'You do not have access to this page' }),
    ).toBeInTheDocument();
  });
});
