import { useRouteError } from 'react-router';

import { ServiceError } from './service-error';

/** Rendered inside the layout when a route fails to load or render. */
export function RouteErrorFallback() {
  const error = useRouteError();
  console.error('Route error', error);
  return <ServiceError />;
}
