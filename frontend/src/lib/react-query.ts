import { QueryClient, type DefaultOptions } from '@tanstack/react-query';

import { isApiError } from './api';

const MAX_RETRIES = 2;

export const queryDefaults: DefaultOptions = {
  queries: {
    staleTime: 60_000,
    refetchOnWindowFocus: false,
    // A 4xx will not change by asking again; network errors and 5xx may.
    retry: (failureCount, error) =>
      !(isApiError(error) && error.status < 500) && failureCount < MAX_RETRIES,
  },
};

export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: queryDefaults });
}

/** Lets a hook's caller override a query's options except its key and function. */
export type QueryConfig<T extends (...args: never[]) => object> = Omit<
  ReturnType<T>,
  'queryKey' | 'queryFn'
>;
