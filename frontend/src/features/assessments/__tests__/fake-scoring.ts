import { vi } from 'vitest';

import { fakeFetch, jsonResponse } from '@/testing/test-utils';

import type { Assessment } from '../api/types';

import { MADE_UP_DEFINITION, ME, PERSON } from './made-up-instrument';

const problem = (status: number, title: string, extra: object = {}) =>
  jsonResponse({ type: 'about:blank', title, status, ...extra }, status, 'application/problem+json');

/**
 * The scoring API for one draft, as the service behaves: ETags, If-Match, merged answers,
 * 412 on a stale version. `theirEdit` plays another user saving in between.
 */
export function fakeScoring(initial: Assessment, { history }: { history?: unknown } = {}) {
  let current = initial;
  let failNextPatches = 0;
  const patches: { ifMatch: string | null; body: unknown }[] = [];
  const amends: { ifMatch: string | null; body: unknown }[] = [];
  const network = fakeFetch(async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.method === 'GET' && path === '/api/scoring/me') return jsonResponse(ME);
    if (request.method === 'GET' && path === `/api/scoring/people/${PERSON.id}`) {
      return jsonResponse(PERSON);
    }
    if (request.method === 'GET' && path === '/api/scoring/instruments/wellbeing-check/standard/2.1.0') {
      return jsonResponse(MADE_UP_DEFINITION);
    }
    if (request.method === 'GET' && path === `/api/scoring/assessments/${current.id}`) {
      return jsonResponse(current);
    }
    if (request.method === 'PATCH' && path === `/api/scoring/assessments/${current.id}`) {
      const body = (await request.json()) as { responses?: Record<string, string | null>; notes?: string | null };
      patches.push({ ifMatch: request.headers.get('If-Match'), body });
      if (failNextPatches > 0) {
        failNextPatches -= 1;
        return problem(503, 'Service Unavailable');
      }
      if (request.headers.get('If-Match') !== `"${String(current.version)}"`) {
        return problem(412, 'Precondition Failed');
      }
      if (current.status !== 'draft') return problem(409, 'Conflict');
      const responses = { ...current.responses };
      for (const [key, value] of Object.entries(body.responses ?? {})) {
        if (value === null) Reflect.deleteProperty(responses, key);
        else responses[key] = value;
      }
      const notes = 'notes' in body ? (body.notes ?? null) : current.notes;
      current = {
        ...current,
        responses,
        notes,
        version: current.version + 1,
        free_text_flags:
          notes?.includes('07700 900123') === true
            ? [{ kind: 'phone_number', start: 5, end: 17, strength: 'strong', redacted_preview: 'Call [phone number] today' }]
            : [],
      };
      return jsonResponse(current);
    }
    if (request.method === 'POST' && path === `/api/scoring/assessments/${current.id}/amend`) {
      const body = (await request.json()) as { reason: string; responses: Record<string, string> };
      amends.push({ ifMatch: request.headers.get('If-Match'), body });
      current = { ...current, responses: body.responses, revision: current.revision + 1, version: current.version + 1 };
      return jsonResponse(current);
    }
    if (request.method === 'POST' && path === `/api/scoring/assessments/${current.id}/submit`) {
      if (request.headers.get('If-Match') !== `"${String(current.version)}"`) {
        return problem(412, 'Precondition Failed');
      }
      current = { ...current, status: 'submitted', revision: 1, version: current.version + 1 };
      return jsonResponse(current);
    }
    if (request.method === 'GET' && path === `/api/scoring/people/${PERSON.id}/assessments`) {
      return jsonResponse(history ?? { assessments: [], profiles: [] });
    }
    if (path.startsWith('/api/scoring/assessments/')) return problem(404, 'Not Found');
    throw new Error(`Unexpected request: ${request.method} ${request.url}`);
  });
  vi.stubGlobal('fetch', vi.fn(network.fetch));
  return {
    network,
    patches,
    amends,
    current: () => current,
    failNextPatches: (count: number) => {
      failNextPatches = count;
    },
    theirSubmit: () => {
      current = { ...current, status: 'submitted', revision: 1, version: current.version + 1 };
    },
    theirEdit: (responses: Record<string, string>) => {
      current = { ...current, responses: { ...current.responses, ...responses }, version: current.version + 1, updated_at: '2026-03-01T11:30:00Z' };
    },
  };
}
