import { describe, expect, it } from 'vitest';

import { createApiClients } from '@/lib/api';
import { fakeFetch, jsonResponse } from '@/testing/test-utils';

import { getProjects, LIST_PAGE } from '../api/assessments';
import { getOrganisationActions } from '../api/heat-assessments';

/** A list served a page at a time, as scoring serves it: the cursor names the page. */
function paged(pathname: string, pages: unknown[][]) {
  return fakeFetch((request) => {
    const url = new URL(request.url);
    if (url.pathname !== pathname) return undefined;
    const at = Number(url.searchParams.get('cursor') ?? '0');
    const next = at + 1 < pages.length ? String(at + 1) : null;
    return jsonResponse({ items: pages[at], next_cursor: next });
  });
}

const clients = (fetch: typeof globalThis.fetch) =>
  createApiClients({ baseUrl: 'http://localhost:3000', getAccessToken: () => Promise.resolve(null), fetch });

describe('the organisational lists', () => {
  it('read every page of the projects, the largest pages scoring serves', async () => {
    const network = paged('/api/scoring/projects', [[{ id: 'p-1' }, { id: 'p-2' }], [{ id: 'p-3' }], []]);
    const projects = await getProjects(clients(network.fetch).scoring);

    expect(projects.map((p) => p.id)).toEqual(['p-1', 'p-2', 'p-3']);
    const asked = network.requests.map((r) => new URL(r.url).searchParams);
    expect(asked.map((q) => q.get('cursor'))).toEqual([null, '1', '2']);
    expect(asked.every((q) => q.get('limit') === String(LIST_PAGE))).toBe(true);
  });

  it('read every page of an organisation’s actions', async () => {
    const network = paged('/api/scoring/organisations/EQA/actions', [[{ id: 'a-1' }], [{ id: 'a-2' }]]);
    const actions = await getOrganisationActions(clients(network.fetch).scoring, 'EQA');

    expect(actions.map((a) => a.id)).toEqual(['a-1', 'a-2']);
    expect(network.requests).toHaveLength(2);
  });
});
