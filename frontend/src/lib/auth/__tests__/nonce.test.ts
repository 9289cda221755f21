import { describe, expect, it } from 'vitest';

import { createNonce } from '../nonce';

describe('createNonce', () => {
  it('is 32 random bytes in base64url, different every time', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });
});
