import { vi } from 'vitest';

import type { Me } from '@/lib/access';

import { fakeFetch } from './test-utils';

/** A clinician in one team, as GET /api/scoring/me describes them. */
export function clinicianMe(overrides: Partial<Me> = {}): Me {
  return {
    subject: '555000000001',
    kind: 'user',
    name: 'Asha Patel',
    organisation: { ods_code: 'EQA', name: 'Equitas Demo Trust A' },
    role: { code: 'S8000:G8000:R8000', name: 'Clinical Practitioner Access Role' },
    permissions: ['person:read', 'person:write', 'assessment:read', 'assessment:write'],
    scopes: [],
    teams: [{ code: 'NORTH', name: 'North team', role: 'member' }],
    ...overrides,
  };
}

/** The network as the browser sees it; anything unexpected fails the test. */
export function stubNetwork(...routes: Parameters<typeof fakeFetch>) {
  const network = fakeFetch(...routes);
  vi.stubGlobal('fetch', vi.fn(network.fetch));
  return network;
}

export function problemResponse(status: number, body: Record<string, unknown> = {}) {
  return new Response(
    JSON.stringify({ type: 'about:blank', title: 'Problem', status, ...body }),
    { status, headers: { 'Content-Type': 'application/problem+json' } },
  );
}
