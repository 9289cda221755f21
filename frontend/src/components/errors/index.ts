export { ErrorBoundary } from './error-boundary';
export { MainErrorFallback } from './main-error-fallback';
export { RouteErrorFallback } from './route-error-fallback';
export { ServiceError } from './service-error';
