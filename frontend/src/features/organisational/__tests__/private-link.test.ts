import { describe, expect, it } from 'vitest';

import { codeFromFragment, privateLink } from '../lib/private-link';

describe('the private link', () => {
  const code = 'AQ3k9_x-Yz0123456789abcdefABCDEF';

  it('puts the code in the fragment, which browsers never send to a server', () => {
    const link = privateLink('https://equitas.example.nhs.uk', code);
    expect(link).toBe(`https://equitas.example.nhs.uk/board/private#code=${code}`);
    const url = new URL(link);
    expect(url.pathname + url.search).toBe('/board/private');
    expect(url.hash).toBe(`#code=${code}`);
  });

  it('reads the code back from the fragment', () => {
    expect(codeFromFragment(`#code=${code}`)).toBe(code);
    expect(codeFromFragment(`code=${code}`)).toBe(code);
  });

  it.each([
    ['', 'no fragment'],
    ['#', 'an empty fragment'],
    ['#main-content', 'an in-page link'],
    ['#code=', 'an empty code'],
    ['#code=abc', 'too short to be a code'],
    ['#code=has+plus/slash==', 'not base64url'],
  ])('finds no code in %j (%s)', (hash) => {
    expect(codeFromFragment(hash)).toBeNull();
  });
});
