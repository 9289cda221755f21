import { z } from 'zod';

import { paths } from './paths';

// CIS2-shaped claims the services map to Equitas permissions (see ARCHITECTURE.md).
export const DEFAULT_OIDC_SCOPE =
  'openid profile nhsperson nationalrbacaccess associatedorgs selectedrole';
export const DEFAULT_OIDC_CLIENT_ID = 'equitas-spa';
// The dev IdP is served by the gateway at the SPA's own origin.
export const DEFAULT_OIDC_AUTHORITY_PATH = '/idp';

// A variable set to an empty string in a .env file means "not set".
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const EnvSchema = z.object({
  VITE_OIDC_AUTHORITY: z.preprocess(unsetIfEmpty, httpUrl.optional()),
  VITE_OIDC_CLIENT_ID: z.preprocess(
    unsetIfEmpty,
    z.string().trim().min(1).default(DEFAULT_OIDC_CLIENT_ID),
  ),
  VITE_OIDC_SCOPE: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .default(DEFAULT_OIDC_SCOPE)
      .refine((scope) => scope.split(/\s+/).includes('openid'), {
        error: 'must include "openid"',
      }),
  ),
  VITE_API_BASE_URL: z.preprocess(unsetIfEmpty, httpUrl.optional()),
});

export type OidcConfig = {
  authority: string;
  clientId: string;
  scope: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
};

export type AppConfig = {
  origin: string;
  apiBaseUrl: string;
  oidc: OidcConfig;
};

export class InvalidConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
    this.problems = problems;
  }
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Validates build-time variables (`VITE_*`) and derives the URLs that depend on the
 * page's origin. Pure: takes the variables and the origin, so tests need no globals.
 * Throws `InvalidConfigError` naming every bad variable.
 */
export function parseEnv(vars: Record<string, unknown>, origin: string): AppConfig {
  const problems: string[] = [];
  if (!httpUrl.safeParse(origin).success) {
    problems.push(`origin: "${origin}" must be an http(s) URL`);
  }
  const parsed = EnvSchema.safeParse(vars);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new InvalidConfigError(problems);
  }

  const base = withoutTrailingSlash(new URL(origin).origin);
  const env = parsed.data;
  return {
    origin: base,
    apiBaseUrl: withoutTrailingSlash(env.VITE_API_BASE_URL ?? base),
    oidc: {
      authority: withoutTrailingSlash(
        env.VITE_OIDC_AUTHORITY ?? `${base}${DEFAULT_OIDC_AUTHORITY_PATH}`,
      ),
      clientId: env.VITE_OIDC_CLIENT_ID,
      scope: env.VITE_OIDC_SCOPE.trim().split(/\s+/).join(' '),
      redirectUri: `${base}${paths.auth.callback.getHref()}`,
      postLogoutRedirectUri: `${base}${paths.home.getHref()}`,
    },
  };
}

/** Reads this page's configuration. Called once, at start-up, by `main.tsx`. */
export function loadEnv(): AppConfig {
  return parseEnv(import.meta.env, window.location.origin);
}
