import { describe, expect, it } from 'vitest';

import { DEFAULT_OIDC_SCOPE, InvalidConfigError, parseEnv } from '../env';

const ORIGIN = 'https://equitas.example.nhs.uk';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected an InvalidConfigError');
}

describe('parseEnv', () => {
  it('derives every URL from the origin when nothing is set', () => {
    expect(parseEnv({}, ORIGIN)).toEqual({
      origin: ORIGIN,
      apiBaseUrl: ORIGIN,
      oidc: {
        authority: `${ORIGIN}/idp`,
        clientId: 'equitas-spa',
        scope: 'openid profile nhsperson nationalrbacaccess associatedorgs selectedrole',
        redirectUri: `${ORIGIN}/callback`,
        postLogoutRedirectUri: `${ORIGIN}/`,
      },
    });
  });

  it('takes the OIDC provider and API from VITE_ variables, without trailing slashes', () => {
    const config = parseEnv(
      {
        VITE_OIDC_AUTHORITY: 'https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc/',
        VITE_OIDC_CLIENT_ID: 'equitas-prod',
        VITE_OIDC_SCOPE: '  openid   profile nationalrbacaccess ',
        VITE_API_BASE_URL: 'https://api.equitas.example.nhs.uk/',
      },
      ORIGIN,
    );
    expect(config.oidc.authority).toBe(
      'https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc',
    );
    expect(config.oidc.clientId).toBe('equitas-prod');
    expect(config.oidc.scope).toBe('openid profile nationalrbacaccess');
    expect(config.apiBaseUrl).toBe('https://api.equitas.example.nhs.uk');
    // The SPA's own callback never moves to the IdP's origin.
    expect(config.oidc.redirectUri).toBe(`${ORIGIN}/callback`);
  });

  it('treats empty variables as unset', () => {
    const config = parseEnv(
      { VITE_OIDC_AUTHORITY: '', VITE_OIDC_CLIENT_ID: '', VITE_OIDC_SCOPE: '', VITE_API_BASE_URL: '' },
      ORIGIN,
    );
    expect(config).toEqual(parseEnv({}, ORIGIN));
    expect(config.oidc.scope).toBe(DEFAULT_OIDC_SCOPE);
  });

  it('ignores the path of the origin it is given', () => {
    expect(parseEnv({}, 'http://localhost:5173/some/page').oidc.authority).toBe(
      'http://localhost:5173/idp',
    );
  });

  it.each([
    [{ VITE_OIDC_AUTHORITY: 'not a url' }, 'VITE_OIDC_AUTHORITY: must be an http(s) URL'],
    [{ VITE_OIDC_AUTHORITY: 'ftp://idp.example' }, 'VITE_OIDC_AUTHORITY: must be an http(s) URL'],
    [{ VITE_API_BASE_URL: '/api' }, 'VITE_API_BASE_URL: must be an http(s) URL'],
    [{ VITE_OIDC_SCOPE: 'profile nhsperson' }, 'VITE_OIDC_SCOPE: must include "openid"'],
    [
      { VITE_OIDC_CLIENT_ID: '   ' },
      'VITE_OIDC_CLIENT_ID: Too small: expected string to have >=1 characters',
    ],
  ])('rejects %o', (vars, problem) => {
    expect(problemsOf(() => parseEnv(vars, ORIGIN))).toEqual([problem]);
  });

  it('rejects an origin that is not http(s)', () => {
    expect(problemsOf(() => parseEnv({}, 'file:///index.html'))).toEqual([
      'origin: "file:///index.html" must be an http(s) URL',
    ]);
  });

  it('names every problem at once', () => {
    const error = (() => {
      try {
        parseEnv({ VITE_OIDC_AUTHORITY: 'nope', VITE_OIDC_SCOPE: 'profile' }, ORIGIN);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).message).toBe(
      'Invalid configuration:\n' +
        '- VITE_OIDC_AUTHORITY: must be an http(s) URL\n' +
        '- VITE_OIDC_SCOPE: must include "openid"',
    );
  });
});
