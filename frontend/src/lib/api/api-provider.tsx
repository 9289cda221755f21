import { createContext, use, type ReactNode } from 'react';

import type { ApiClients } from './api-client';

const ApiClientsContext = createContext<ApiClients | null>(null);

export function ApiClientsProvider({
  clients,
  children,
}: {
  clients: ApiClients;
  children: ReactNode;
}) {
  return <ApiClientsContext value={clients}>{children}</ApiClientsContext>;
}

export function useApiClients(): ApiClients {
  const clients = use(ApiClientsContext);
  if (clients === null) {
    throw new Error('useApiClients must be used inside <ApiClientsProvider>');
  }
  return clients;
}
