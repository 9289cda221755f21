import { paths } from '@/config/paths';

/**
 * Where to go after logging in. Only a path on this origin is accepted: a value that
 * came back through the IdP must not be able to send the user to another site.
 */
export function safeReturnTo(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'returnTo' in state) {
    const { returnTo } = state;
    if (
      typeof returnTo === 'string' &&
      returnTo.startsWith('/') &&
      !returnTo.startsWith('//') &&
      !returnTo.includes('\\')
    ) {
      return returnTo;
    }
  }
  return paths.home.getHref();
}
