import { describe, expect, it, vi } from 'vitest';

import { ApiError, createApiClients } from '@/lib/api';
import { fakeFetch, jsonResponse, on } from '@/testing/test-utils';

import { createAssessment } from '../api/create-assessment';
import { newIdempotencyKey, withRetries, worthRetrying } from '../lib/safe-retry';

import { draftAssessment } from './made-up-instrument';

const keyInUse = new ApiError(409, {
  title: 'Conflict',
  errors: [{ field: 'header.idempotency-key', message: 'in use by a request in progress' }],
});

describe('safe retries', () => {
  it.each([
    [new TypeError('Failed to fetch'), true],
    [new ApiError(503, null), true],
    [new ApiError(502, null), true],
    [keyInUse, true],
    [new ApiError(409, { title: 'Conflict', detail: 'Only a draft assessment can be submitted' }), false],
    [new ApiError(412, null), false],
    [new ApiError(422, null), false],
    [new Error('a bug'), false],
  ])('%s is worth retrying: %s', (error, expected) => {
    expect(worthRetrying(error)).toBe(expected);
  });

  it('tries three times at most, waiting longer each time', async () => {
    const send = vi.fn().mockRejectedValue(new ApiError(503, null));
    const wait = vi.fn().mockResolvedValue(undefined);
    await expect(withRetries(send, wait)).rejects.toThrow(ApiError);
    expect(send).toHaveBeenCalledTimes(3);
    expect(wait.mock.calls).toEqual([[1000], [2000]]);
  });

  it('makes keys the service accepts (1 to 255 printable ASCII characters)', () => {
    expect(newIdempotencyKey()).toMatch(/^[\x21-\x7e]{1,255}$/);
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });

  it('sends a create again with the same key after a busy answer', async () => {
    let calls = 0;
    const network = fakeFetch(
      on('POST', '/api/scoring/people/p-1/assessments', () => {
        calls += 1;
        return calls === 1
          ? jsonResponse({ type: 'about:blank', title: 'Busy', status: 503 }, 503, 'application/problem+json')
          : jsonResponse(draftAssessment(), 201);
      }),
    );
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { scoring } = createApiClients({
        baseUrl: 'http://localhost:3000',
        getAccessToken: () => Promise.resolve(null),
        fetch: network.fetch,
      });
      const created = createAssessment(
        scoring,
        'p-1',
        { instrument: 'hef', variant: 'standard', episode_type: 'referral', assessed_on: '2026-03-01' },
        'key-1',
      );
      await vi.advanceTimersByTimeAsync(1000);
      await expect(created).resolves.toMatchObject({ id: 'a-1' });
    } finally {
      vi.useRealTimers();
    }
    expect(network.requests.map((r) => r.headers.get('Idempotency-Key'))).toEqual(['key-1', 'key-1']);
  });
});
