import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { clinicianMe, problemResponse, stubNetwork } from '@/testing/staff';
import { createTestUser, jsonResponse, on, renderApp } from '@/testing/test-utils';

const ID = '2b0c1a52-9f43-4a8e-9c1e-1d1f0f6a7b11';
const PERSON = {
  id: ID,
  nhs_number: '9991234567',
  nhs_number_verification_status: '01',
  local_id: null,
  given_name: 'Amelia',
  family_name: 'Jones',
  birth_date: '1984-07-15',
  sex: 'female',
  ethnic_category: 'H',
  ethnic_category_label: 'Indian',
  postcode: 'LS1 4AP',
  deprivation: { lsoa_code: null, imd_decile: null, imd_vintage: null, status: 'unknown_postcode' },
  gp_practice_ods: 'A81001',
  interpreter_required: true,
  language: 'pa',
  source: 'fhir',
  corrected_fields: ['postcode'],
  teams: ['NORTH'],
  version: 3,
};

const me = on('GET', '/api/scoring/me', () => jsonResponse(clinicianMe()));
const noAssessments = on('GET', `/api/scoring/people/${ID}/assessments`, () =>
  jsonResponse({ assessments: [], profiles: [] }),
);

function personRoute(respond: () => Response) {
  return on('GET', `/api/scoring/people/${ID}`, respond);
}

describe('the person page', () => {
  it('says where each detail came from', { timeout: 15_000 }, async () => {
    stubNetwork(me, noAssessments, personRoute(() => jsonResponse(PERSON, 200)));
    await renderApp({ path: `/people/${ID}`, user: createTestUser() });

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Person Amelia Jones' }, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('person-family_name')).toHaveTextContent(
      'JonesSource: Patient record system (EPR)',
    );
    expect(screen.getByTestId('person-postcode')).toHaveTextContent('LS1 4APSource: Corrected by staff');
    expect(screen.getByTestId('person-ethnic_category')).toHaveTextContent('Asian or Asian British: Indian');
    expect(await screen.findByTestId('timeline-empty')).toHaveTextContent('No assessments yet.');
    expect(screen.getByTestId('start-assessment')).toHaveAttribute('href', `/people/${ID}/assessments/new`);
  });

  it('shows the same "not found or no access" page for a person the API will not show', async () => {
    stubNetwork(me, noAssessments, personRoute(() => problemResponse(404, { detail: 'No such person' })));
    await renderApp({ path: `/people/${ID}`, user: createTestUser() });
    expect(
      await screen.findByRole('heading', {
        level: 1,
        name: 'This person was not found, or you do not have access',
      }),
    ).toBeInTheDocument();
    expect(document.title).toBe('This person was not found, or you do not have access – Equitas');
  });

  it('keeps what was typed when someone else saved first (412), then saves on the latest', { timeout: 15_000 }, async () => {
    // A colleague saves (version 4) just before this user does.
    let colleagueSaved = false;
    const patches: { ifMatch: string | null; body: unknown }[] = [];
    stubNetwork(
      me,
      noAssessments,
      personRoute(() =>
        colleagueSaved
          ? jsonResponse({ ...PERSON, family_name: 'Jones-Khan', version: 4 })
          : jsonResponse(PERSON),
      ),
      async (request) => {
        if (request.method !== 'PATCH') return undefined;
        const ifMatch = request.headers.get('If-Match');
        patches.push({ ifMatch, body: await request.json() });
        if (ifMatch === '"3"') {
          colleagueSaved = true;
          return problemResponse(412, { detail: 'Someone else changed this' });
        }
        return jsonResponse({ ...PERSON, family_name: 'Jones-Khan', given_name: 'Amy', version: 5 });
      },
    );
    const { events } = await renderApp({ path: `/people/${ID}`, user: createTestUser() });
    await events.click(
      await screen.findByRole('button', { name: 'Correct their details' }, { timeout: 5000 }),
    );
    const given = screen.getByLabelText('Given name');
    await events.clear(given);
    await events.type(given, 'Amy');
    await events.click(screen.getByRole('button', { name: 'Save details' }));

    const conflict = await screen.findByTestId('person-conflict');
    expect(conflict).toHaveTextContent('Someone else changed these details while you were working');
    const table = await within(conflict).findByRole('table');
    expect(table).toHaveTextContent('Given nameYour change AmyLatest saved Amelia');
    expect(table).toHaveTextContent('Family nameYour change Not changed by youLatest saved Jones-Khan');
    expect(screen.getByLabelText('Given name')).toHaveValue('Amy');

    await events.click(screen.getByRole('button', { name: 'Keep my changes and use the latest version' }));
    expect(screen.getByLabelText('Family name')).toHaveValue('Jones-Khan');
    await events.click(screen.getByRole('button', { name: 'Save details' }));

    expect(await screen.findByRole('status')).toHaveTextContent('The details were saved.');
    expect(patches).toEqual([
      { ifMatch: '"3"', body: { given_name: 'Amy' } },
      { ifMatch: '"4"', body: { given_name: 'Amy' } },
    ]);
  });
});
