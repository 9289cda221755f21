export {
  bearerTokenMiddleware,
  createApiClients,
  type AggregationClient,
  type ApiClients,
  type ReportingClient,
  type ScoringClient,
} from './api-client';
export { ApiError, isApiError, toApiError, type Problem } from './api-error';
export { everyPage } from './every-page';
export { ApiClientsProvider, useApiClients } from './api-provider';
export { scoringKeys } from './query-keys';
