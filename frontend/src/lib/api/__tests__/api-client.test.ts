import { describe, expect, it } from 'vitest';

import { fakeFetch, jsonResponse, on } from '@/testing/test-utils';

import { createApiClients } from '../api-client';
import { ApiError, toApiError } from '../api-error';

const ME = {
  subject: 'user-ada',
  kind: 'user',
  name: 'Ada Lovelace',
  organisation: null,
  role: null,
  permissions: [],
  scopes: [],
  teams: [],
};

describe('createApiClients', () => {
  it('sends the current access token as a bearer token', async () => {
    const { fetch, requests } = fakeFetch(on('GET', '/api/scoring/me', () => jsonResponse(ME)));
    const { scoring } = createApiClients({
      baseUrl: 'http://localhost:3000',
      getAccessToken: () => Promise.resolve('token-123'),
      fetch,
    });

    const { data } = await scoring.GET('/api/scoring/me');

    expect(data).toEqual(ME);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe('http://localhost:3000/api/scoring/me');
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer token-123');
  });

  it('sends no Authorization header when nobody is signed in', async () => {
    const { fetch, requests } = fakeFetch(on('GET', '/api/scoring/me', () => jsonResponse(ME)));
    const { scoring } = createApiClients({
      baseUrl: 'http://localhost:3000',
      getAccessToken: () => Promise.resolve(null),
      fetch,
    });

    await scoring.GET('/api/scoring/me');

    expect(requests[0]?.headers.has('Authorization')).toBe(false);
  });
});

describe('toApiError', () => {
  it('keeps the problem details of an RFC 9457 response', () => {
    const problem = { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Token expired' };
    const error = toApiError(new Response(null, { status: 401 }), problem);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(401);
    expect(error.problem).toEqual(problem);
    expect(error.message).toBe('Unauthorized');
  });

  it('still reports the status when the body is not problem details', () => {
    const error = toApiError(new Response(null, { status: 502 }), '<html>Bad gateway</html>');
    expect(error.status).toBe(502);
    expect(error.problem).toBeNull();
    expect(error.message).toBe('Request failed with status 502');
  });
});
