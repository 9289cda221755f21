import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { createTestUser, renderApp } from '@/testing/test-utils';

import { fakeScoring } from './fake-scoring';
import { draftAssessment } from './made-up-instrument';

const user = createTestUser();
// Autosave waits for a quiet moment; the first page also loads its route module.
const SAVE_WAIT = { timeout: 5000 };

describe('the assessment form, rendered from a definition it has never seen', () => {
  it('shows one section per step with its questions, help, answers and progress', async () => {
    fakeScoring(draftAssessment());
    await renderApp({ path: '/assessments/a-1', user });

    // A new draft resumes at its first section with unanswered questions.
    const heading = await screen.findByRole('heading', { level: 1, name: /Home life/ }, SAVE_WAIT);
    expect(screen.getByTestId('step-counter')).toHaveTextContent('Step 2 of 4');
    expect(screen.getByText('Where the person lives.')).toBeInTheDocument();
    expect(screen.getByTestId('assessment-subject')).toHaveTextContent('Sam Rivers');
    expect(screen.getByTestId('assessment-subject')).toHaveTextContent('999 100 0001');
    const warm = screen.getByRole('group', { name: 'The home is warm' });
    expect(warm).toHaveAccessibleDescription('Heating that works.');
    expect(within(warm).getAllByRole('radio').map((radio) => radio.nextSibling?.textContent)).toEqual([
      'True',
      'Partly true',
      'Not true',
      'Did not ask',
    ]);
    await waitFor(() => {
      expect(heading).toHaveFocus();
    });
    const steps = screen.getByRole('navigation', { name: 'Assessment steps' });
    expect(within(steps).getByText(/Home life \(0 of 2 answered\)/)).toHaveAttribute('class', 'nhsuk-contents-list__current');
    expect(document.title).toBe('Home life – Wellbeing check – Equitas');
  });

  it('autosaves answers with If-Match and moves between steps, focus on the heading', async () => {
    const api = fakeScoring(draftAssessment());
    const { events } = await renderApp({ path: '/assessments/a-1', user });

    const warm = await screen.findByRole('group', { name: 'The home is warm' }, SAVE_WAIT);
    await events.click(within(warm).getByLabelText('Partly true'));
    await waitFor(() => {
      expect(api.patches).toEqual([{ ifMatch: '"1"', body: { responses: { warm: 'partly' } } }]);
    }, SAVE_WAIT);
    expect(await screen.findByTestId('save-status')).toHaveTextContent(/Draft saved at/);

    await events.click(within(screen.getByRole('group', { name: 'Stairs are manageable' })).getByLabelText('Did not ask'));
    await events.click(screen.getByRole('button', { name: 'Save and continue' }));
    const next = await screen.findByRole('heading', { level: 1, name: /Friends and family/ });
    await waitFor(() => {
      expect(next).toHaveFocus();
    });
    await waitFor(() => {
      expect(api.patches.at(-1)).toEqual({ ifMatch: '"2"', body: { responses: { stairs: 'unsure' } } });
    }, SAVE_WAIT);
    expect(api.current().responses).toEqual({ warm: 'partly', stairs: 'unsure' });
  });

  it('on submit with questions unanswered, shows the NHS error summary with focus and links', async () => {
    fakeScoring(draftAssessment({ responses: { warm: 'yes' } }));
    const { events } = await renderApp({ path: '/assessments/a-1?step=check', user });

    await events.click(await screen.findByRole('button', { name: 'Submit assessment' }));
    const summary = await screen.findByRole('alert');
    expect(within(summary).getByRole('heading', { name: 'There is a problem' })).toBeVisible();
    await waitFor(() => {
      expect(summary.closest('.nhsuk-error-summary')).toHaveFocus();
    });
    const links = within(summary).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual([
      'Answer "Stairs are manageable" (Home life)',
      'Answer "Has visitors each week" (Friends and family)',
    ]);
    expect(links[0]).toHaveAttribute('href', '/assessments/a-1?step=home#item-stairs');

    // Following a link lands on the question, focused, with its error.
    const [first] = links;
    if (first === undefined) throw new Error('no link');
    await events.click(first);
    const stairs = await screen.findByRole('group', { name: 'Stairs are manageable' });
    await waitFor(() => {
      expect(within(stairs).getAllByRole('radio')[0]).toHaveFocus();
    });
  });

  it('submits a complete draft and goes to the profile', async () => {
    const api = fakeScoring(draftAssessment({ responses: { warm: 'yes', stairs: 'no', visits: 'partly' } }));
    const { events, router } = await renderApp({ path: '/assessments/a-1?step=check', user });

    expect(await screen.findByTestId('answer-stairs')).toHaveTextContent('Not true');
    expect(screen.getByTestId('answer-pets')).toHaveTextContent('Not answered');
    await events.click(screen.getByRole('button', { name: 'Submit assessment' }));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/assessments/a-1/profile');
    });
    expect(api.current().status).toBe('submitted');
    const submit = api.network.requests.find((r) => r.url.endsWith('/submit'));
    expect(submit?.headers.get('If-Match')).toBe('"1"');
    expect(submit?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('warns when the saved notes look like personal details', async () => {
    fakeScoring(draftAssessment());
    const { events } = await renderApp({ path: '/assessments/a-1?step=check', user });

    await events.type(await screen.findByLabelText('Notes (optional)'), 'Call 07700 900123 today');
    const warning = await screen.findByTestId('notes-warning', {}, SAVE_WAIT);
    expect(warning).toHaveTextContent('Your notes may include personal details');
    expect(warning).toHaveTextContent('Looks like a phone number: Call [phone number] today');
    expect(screen.getByLabelText('Notes (optional)')).toHaveAccessibleDescription(
      expect.stringContaining('Your notes may include personal details') as string,
    );
  });

  it('on 412 shows both versions, keeps my answers chosen, and saves the choice', async () => {
    const api = fakeScoring(draftAssessment({ responses: { warm: 'yes' } }));
    const { events } = await renderApp({ path: '/assessments/a-1?step=home', user });

    await screen.findByRole('heading', { level: 1, name: /Home life/ });
    api.theirEdit({ warm: 'no', visits: 'yes' }); // someone else saves version 2
    const warm = screen.getByRole('group', { name: 'The home is warm' });
    await events.click(within(warm).getByLabelText('Partly true'));

    const conflict = await screen.findByTestId('conflict-screen', {}, SAVE_WAIT);
    const heading = within(conflict).getByRole('heading', { level: 1, name: 'Someone else changed this assessment' });
    await waitFor(() => {
      expect(heading).toHaveFocus();
    });
    const warmRow = within(conflict).getByRole('group', { name: 'The home is warm' });
    expect(within(warmRow).getByRole('radio', { name: 'Your version: Partly true' })).toBeChecked();
    expect(within(warmRow).getByRole('radio', { name: 'Their version: Not true' })).not.toBeChecked();
    const visitsRow = within(conflict).getByRole('group', { name: 'Has visitors each week' });
    expect(within(visitsRow).getByRole('radio', { name: 'Their version: True' })).toBeChecked();

    await events.click(within(conflict).getByRole('button', { name: 'Save the chosen answers' }));
    await waitFor(() => {
      expect(api.current().responses).toEqual({ warm: 'partly', visits: 'yes' });
    }, SAVE_WAIT);
    expect(api.patches.at(-1)?.ifMatch).toBe('"2"');
    expect(await screen.findByRole('heading', { level: 1, name: /Home life/ })).toBeInTheDocument();
  });

  it('keeps answers on screen when a save fails, says so, and saves them on submit', async () => {
    const api = fakeScoring(draftAssessment({ responses: { warm: 'yes', stairs: 'no' } }));
    api.failNextPatches(1);
    const { events, router } = await renderApp({ path: '/assessments/a-1?step=friends', user });

    const visits = await screen.findByRole('group', { name: 'Has visitors each week' }, SAVE_WAIT);
    await events.click(within(visits).getByLabelText('Partly true'));
    expect(await screen.findByText(/Your latest answers are not saved yet/, {}, SAVE_WAIT)).toBeInTheDocument();
    expect(within(visits).getByLabelText('Partly true')).toBeChecked();

    await events.click(screen.getByRole('button', { name: 'Save and continue' }));
    await events.click(await screen.findByRole('button', { name: 'Submit assessment' }));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/assessments/a-1/profile');
    }, SAVE_WAIT);
    expect(api.current().responses).toEqual({ warm: 'yes', stairs: 'no', visits: 'partly' });
    expect(api.current().status).toBe('submitted');
  });

  it('when someone submitted it meanwhile, shows both and carries my answers into an amendment', async () => {
    const api = fakeScoring(draftAssessment({ responses: { warm: 'yes', stairs: 'no', visits: 'yes' } }));
    const { events, router } = await renderApp({ path: '/assessments/a-1?step=home', user });

    const warm = await screen.findByRole('group', { name: 'The home is warm' }, SAVE_WAIT);
    api.theirSubmit();
    await events.click(within(warm).getByLabelText('Not true'));
    const screenHeading = await screen.findByRole(
      'heading',
      { level: 1, name: 'This assessment has already been submitted' },
      SAVE_WAIT,
    );
    await waitFor(() => {
      expect(screenHeading).toHaveFocus();
    });
    expect(screen.getByTestId('submitted-meanwhile')).toHaveTextContent('Yours: Not trueSubmitted: True');

    await events.click(screen.getByRole('button', { name: 'Amend it with your answers' }));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/assessments/a-1/amend');
    });
    const amendedWarm = await screen.findByRole('group', { name: 'The home is warm' }, SAVE_WAIT);
    expect(within(amendedWarm).getByLabelText('Not true')).toBeChecked();
    expect(screen.getByText('Your answers from the draft are filled in below.')).toBeInTheDocument();

    // No reason: the error summary, focused; with one, the amendment is sent with If-Match.
    await events.click(screen.getByRole('button', { name: 'Submit amendment' }));
    const summary = await screen.findByRole('alert');
    expect(summary).toHaveTextContent('Enter why you are amending this assessment');
    await waitFor(() => {
      expect(summary.closest('.nhsuk-error-summary')).toHaveFocus();
    });
    await events.type(screen.getByLabelText('Why are you amending it?'), 'My answer was saved too late');
    await events.click(screen.getByRole('button', { name: 'Submit amendment' }));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/assessments/a-1/profile');
    });
    expect(api.amends).toEqual([
      {
        ifMatch: '"2"',
        body: {
          reason: 'My answer was saved too late',
          responses: { warm: 'no', stairs: 'no', visits: 'yes' },
          notes: null,
        },
      },
    ]);
  });

  it('leaving with an answer not yet saved saves it first, or shows the conflict', async () => {
    const api = fakeScoring(draftAssessment({ responses: { warm: 'yes' } }));
    const { events, router } = await renderApp({ path: '/assessments/a-1?step=home', user });

    const stairs = await screen.findByRole('group', { name: 'Stairs are manageable' }, SAVE_WAIT);
    api.theirEdit({ stairs: 'no' });
    await events.click(within(stairs).getByLabelText('Partly true'));
    await events.click(screen.getByRole('link', { name: 'Save and come back later' }));

    expect(await screen.findByTestId('conflict-screen', {}, SAVE_WAIT)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/assessments/a-1');
    expect(api.patches).toHaveLength(1);
  });

  it('says not found or no access when the assessment cannot be read', async () => {
    fakeScoring(draftAssessment({ id: 'other' }));
    await renderApp({ path: '/assessments/a-1', user });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'This assessment was not found, or you do not have access' }),
    ).toBeInTheDocument();
  });
});
