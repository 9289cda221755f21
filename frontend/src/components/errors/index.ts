export { ErrorBoundary } from './error-boundary';
export { MainErrorFallback } from './main-error-fallback';
export { describeProblem, fieldLabel, type PlainProblem } from './problem';
export { ProblemSummary } from './problem-summary';
export { RouteErrorFallback } from './route-error-fallback';
export { ServiceError } from './service-error';
export { Forbidden, NotFoundOrNoAccess } from './state-pages';
