/*
 * The private board self-assessment's link (decision 0031): the code travels in the
 * address's fragment (#code=...), which browsers never send to a server, so it reaches no
 * log. The code is base64url without padding; anything else in a fragment is not a code.
 */

export const PRIVATE_PATH = '/board/private';
const CODE = /^[A-Za-z0-9_-]{8,2048}$/;

/** The link that regenerates these results: this site's private page, the code after '#'. */
export function privateLink(origin: string, code: string): string {
  return `${origin}${PRIVATE_PATH}#code=${code}`;
}

/** The code in a fragment ('#code=...', as location.hash gives it), or null if there is none. */
export function codeFromFragment(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const code = new URLSearchParams(fragment).get('code');
  return code !== null && CODE.test(code) ? code : null;
}
