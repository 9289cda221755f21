import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ApiClientsProvider, createApiClients } from '@/lib/api';
import { createQueryClient } from '@/lib/react-query';
import { fakeFetch, jsonResponse, on } from '@/testing/test-utils';

import type { Dataset, Step } from '../api/types';
import { PlanSection } from '../components/plan-section';

const DATASET: Dataset = {
  id: 7,
  unit_code: 'EQA',
  title: 'MSK',
  plus_groups: [],
  created_at: '2026-01-05T10:00:00Z',
  records: 100,
  first_referral: '2025-01-03',
  last_referral: '2025-12-03',
  may_upload: true,
};

const STEP: Step = {
  id: 1,
  dataset_id: 7,
  stage: 'adjustment',
  action: 'outreach',
  owner_role: 'Service manager',
  starts_on: '2026-01-05',
  due_on: null,
  status: 'planned',
  analysis: 'engagement',
  breakdown: 'imd_quintile',
  category: '1',
  created_at: '2026-01-05T10:00:00Z',
  updated_at: '2026-01-05T10:00:00Z',
};

const STEPS = '/api/aggregation/equity/datasets/7/steps';

function renderPlan() {
  const steps: Step[] = [];
  const network = fakeFetch(
    on('GET', STEPS, () => jsonResponse({ items: steps, next_cursor: null })),
    on('POST', STEPS, () => {
      steps.push(STEP);
      return jsonResponse(STEP, 201);
    }),
    on('PUT', `${STEPS}/1`, () => jsonResponse({ ...STEP, status: 'in_progress' })),
  );
  const clients = createApiClients({
    baseUrl: 'http://localhost:3000',
    getAccessToken: () => Promise.resolve('token-1'),
    fetch: network.fetch,
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ApiClientsProvider clients={clients}>
        <PlanSection dataset={DATASET} />
      </ApiClientsProvider>
    </QueryClientProvider>,
  );
  return network;
}

describe('the action plan', () => {
  it('adds a step, then changes it keeping every field it had, only the one changed different', async () => {
    const network = renderPlan();
    // The first step added has id 1, as the add form's first reset does: they must not be confused.
    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Action' }), 'outreach');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Stage' }), 'adjustment');
    await userEvent.type(screen.getByRole('textbox', { name: 'Owner (a role, not a person’s name)' }), 'Service manager');
    await userEvent.click(screen.getByRole('button', { name: 'Add step' }));
    expect(await screen.findByTestId('plan-saved')).toHaveTextContent('The step was added to the plan.');
    // jsdom joins the visually hidden words to 'Change' without the space a browser keeps.
    await userEvent.click(await screen.findByRole('button', { name: /^Change ?step: Outreach, Service manager$/ }));
    expect(screen.getByRole('textbox', { name: 'Owner (a role, not a person’s name)' })).toHaveValue('Service manager');
    expect(screen.getByRole('combobox', { name: 'Stage' })).toHaveValue('adjustment');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'in_progress');
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => {
      expect(network.requests.some((r) => r.method === 'PUT')).toBe(true);
    });
    const sent = network.requests.find((r) => r.method === 'PUT');
    expect(await sent?.json()).toEqual({
      stage: 'adjustment',
      action: 'outreach',
      owner_role: 'Service manager',
      starts_on: '2026-01-05',
      due_on: null,
      status: 'in_progress',
      analysis: 'engagement',
      breakdown: 'imd_quintile',
      category: '1',
    });
  });
});
