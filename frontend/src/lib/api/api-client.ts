import createClient, { type Client, type Middleware } from 'openapi-fetch';

import type { paths as AggregationPaths } from '@/api/generated/aggregation';
import type { paths as ReportingPaths } from '@/api/generated/reporting';
import type { paths as ScoringPaths } from '@/api/generated/scoring';

export type ScoringClient = Client<ScoringPaths>;
export type AggregationClient = Client<AggregationPaths>;
export type ReportingClient = Client<ReportingPaths>;

/** One typed client per service contract in openapi/. */
export type ApiClients = {
  scoring: ScoringClient;
  aggregation: AggregationClient;
  reporting: ReportingClient;
};

type CreateApiClientsOptions = {
  /** The gateway's origin; the generated paths already start with /api/<service>/. */
  baseUrl: string;
  /** The current access token, or null when nobody is signed in. */
  getAccessToken: () => Promise<string | null>;
  /** Defaults to the global fetch at the time the clients are created. */
  fetch?: typeof globalThis.fetch;
};

export function bearerTokenMiddleware(
  getAccessToken: () => Promise<string | null>,
): Middleware {
  return {
    async onRequest({ request }) {
      const token = await getAccessToken();
      if (token !== null) {
        request.headers.set('Authorization', `Bearer ${token}`);
      }
      return request;
    },
  };
}

export function createApiClients({
  baseUrl,
  getAccessToken,
  fetch = globalThis.fetch,
}: CreateApiClientsOptions): ApiClients {
  const auth = bearerTokenMiddleware(getAccessToken);
  const scoring = createClient<ScoringPaths>({ baseUrl, fetch });
  const aggregation = createClient<AggregationPaths>({ baseUrl, fetch });
  const reporting = createClient<ReportingPaths>({ baseUrl, fetch });
  for (const client of [scoring, aggregation, reporting]) {
    client.use(auth);
  }
  return { scoring, aggregation, reporting };
}
