import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { UserManager } from 'oidc-client-ts';
import { useEffect, useState, type ReactNode } from 'react';

import { ErrorBoundary, MainErrorFallback } from '@/components/errors';
import type { AppConfig } from '@/config/env';
import { ApiClientsProvider, createApiClients } from '@/lib/api';
import { AuthProvider, createUserManager, readAccessToken } from '@/lib/auth';
import { createQueryClient } from '@/lib/react-query';

type AppProviderProps = {
  config: AppConfig;
  /** Tests pass their own; the app builds one from `config`. */
  userManager?: UserManager;
  queryClient?: QueryClient;
  children: ReactNode;
};

/** Everything the routes rely on. Built once per mount, never at import time. */
export function AppProvider({
  config,
  userManager: givenUserManager,
  queryClient: givenQueryClient,
  children,
}: AppProviderProps) {
  const [userManager] = useState(() => givenUserManager ?? createUserManager(config.oidc));
  const [queryClient] = useState(() => givenQueryClient ?? createQueryClient());
  const [apiClients] = useState(() =>
    createApiClients({
      baseUrl: config.apiBaseUrl,
      getAccessToken: () => readAccessToken(userManager),
    }),
  );

  // Whatever one user fetched must not be shown to the next one in this tab.
  useEffect(
    () =>
      userManager.events.addUserUnloaded(() => {
        queryClient.clear();
      }),
    [userManager, queryClient],
  );

  return (
    <ErrorBoundary fallback={<MainErrorFallback />}>
      <QueryClientProvider client={queryClient}>
        <AuthProvider userManager={userManager}>
          <ApiClientsProvider clients={apiClients}>{children}</ApiClientsProvider>
        </AuthProvider>
      </QueryClientProvider>
    </ErrorBoundary>
  );
}
