import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { fakeScoring } from '@/features/assessments/__tests__/fake-scoring';
import { draftAssessment } from '@/features/assessments/__tests__/made-up-instrument';
import { createTestUser, renderApp } from '@/testing/test-utils';

const user = createTestUser();
const WAIT = { timeout: 5000 };

const submitted = draftAssessment({ status: 'submitted', revision: 1, version: 3 });
const summary = {
  id: 'a-1',
  instrument: 'wellbeing-check',
  variant: 'standard',
  instrument_version: '2.1.0',
  episode_type: 'follow-up',
  assessed_on: '2026-03-01',
  status: 'submitted',
  revision: 1,
  overall: null,
};
const history = {
  assessments: [{ ...summary, id: 'a-0', assessed_on: '2026-01-01' }, summary],
  profiles: [
    {
      instrument: 'wellbeing-check',
      variant: 'standard',
      latest: summary,
      scores: {
        sections: {
          home: { scores: { sum: 3 }, bands: {}, completeness: { not_assessed: 0 } },
          friends: { scores: { sum: 0 }, bands: {}, completeness: { not_assessed: 1 } },
        },
        overall: { scores: { sum: 3 } },
      },
      change_since_first: {
        sections: { home: { scores: { sum: { baseline: 1, current: 3, delta: 2, change: 'worse' } } } },
        items: { warm: { change: 'worse' } },
      },
      change_since_previous: {
        sections: { home: { scores: { sum: { baseline: 1, current: 3, delta: 2, change: 'worse' } } } },
        items: { warm: { change: 'worse' } },
      },
      suggested_actions: [
        { item_id: 'warm', section_id: 'home', rating: 'no', text: 'Ask about heating grants.', ref: null, priority: true },
      ],
    },
  ],
};

// The route composes the assessments and profile features; the made-up instrument and the
// fake scoring API are the form's tests' own.
describe('the profile page', () => {
  it('shows each section in a table with change in words, the overall figures and actions', async () => {
    fakeScoring(submitted, { history });
    await renderApp({ path: '/assessments/a-1/profile', user });

    expect(await screen.findByRole('heading', { level: 1, name: 'Wellbeing check profile' }, WAIT)).toBeInTheDocument();
    await screen.findByTestId('profile-table');
    // The chart and, beside it, its figures; then levels and change.
    expect(screen.getByRole('img', { name: /Concern score by area \(bar chart\)/ })).toBeInTheDocument();
    const figures = screen.getByRole('table', { name: 'Concern score by area: figures' });
    expect(within(figures).getByRole('row', { name: /Home life/ })).toHaveTextContent('3');
    expect(screen.getByText(/The most each area can score: Home life 4; Friends and family 4/)).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Areas: levels and change' });
    const home = within(table).getByRole('row', { name: /Home life/ });
    expect(home).toHaveTextContent('Concern score 3');
    expect(home).toHaveTextContent('Change since first 2 higher (worse)');
    const friends = within(table).getByRole('row', { name: /Friends and family/ });
    expect(friends).toHaveTextContent('Change since previous Cannot be compared');
    expect(screen.getByTestId('profile-overall')).toHaveTextContent('Total concern3');
    const items = screen.getByRole('table', { name: 'Questions whose rating changed' });
    expect(within(items).getByRole('row', { name: /The home is warm/ })).toHaveTextContent(
      'Since first WorseSince previous Worse',
    );
    expect(screen.getByTestId('suggested-actions')).toHaveTextContent('Priority: Ask about heating grants. (The home is warm)');
  });

  it('offers the PDF only for HEF, and says plainly when reporting cannot make it', async () => {
    fakeScoring(submitted, { history });
    await renderApp({ path: '/assessments/a-1/profile', user });
    await screen.findByTestId('profile-table', {}, WAIT);
    // The made-up instrument is not HEF: reporting renders HEF profiles only.
    expect(screen.queryByRole('link', { name: /Download the profile/ })).not.toBeInTheDocument();
  });

  it('says a draft has no profile yet', async () => {
    fakeScoring(draftAssessment(), { history });
    await renderApp({ path: '/assessments/a-1/profile', user });
    expect(await screen.findByTestId('profile-empty', {}, WAIT)).toHaveTextContent(
      'This assessment is a draft, so it has no profile yet.',
    );
  });

  it('says when there is nothing submitted yet', async () => {
    fakeScoring(submitted);
    await renderApp({ path: '/assessments/a-1/profile', user });
    expect(await screen.findByTestId('profile-empty', {}, WAIT)).toHaveTextContent(
      'There is no submitted Wellbeing check for this person yet.',
    );
  });
});
