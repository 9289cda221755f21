import { describe, expect, it } from 'vitest';

import { formatNhsNumber, parseSearch } from '../lib/search-terms';

describe('one search box for a name or an NHS number', () => {
  it.each([
    ['999 123 4567', { nhsNumber: '9991234567' }],
    ['9991234567', { nhsNumber: '9991234567' }],
    ['999-123-4567', { nhsNumber: '9991234567' }],
    ['  Patel ', { name: 'Patel' }],
    ['', {}],
  ])('%j is %j', (text, expected) => {
    expect(parseSearch(text)).toEqual(expected);
  });

  it('says what is wrong with too few digits or a one-letter name', () => {
    expect(parseSearch('12345')).toEqual({ error: 'An NHS number has 10 digits, like 999 123 4567' });
    expect(parseSearch('P')).toEqual({ error: 'Enter at least 2 letters of a name' });
  });

  it('writes NHS numbers 3-3-4', () => {
    expect(formatNhsNumber('9991234567')).toBe('999 123 4567');
    expect(formatNhsNumber(null)).toBe('Not known');
  });
});
