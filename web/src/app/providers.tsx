import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './global.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { onUnauthorised } from '@/shared/api';
import { SESSION_KEY } from '@/shared/session/useSession';
import { ShortcutProvider } from '@/shared/shortcuts/registry';
import { cssVariablesResolver, theme } from './theme';

/** Server state (TanStack Query), theme (Mantine, light/dark), notifications and keyboard shortcuts. */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => new QueryClient({
    defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 5_000 } },
  }));
  useEffect(() => onUnauthorised(() => client.setQueryData(SESSION_KEY, null)), [client]);
  return (
    <QueryClientProvider client={client}>
      <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={cssVariablesResolver}>
        <Notifications position="bottom-right" />
        <ShortcutProvider>{children}</ShortcutProvider>
      </MantineProvider>
    </QueryClientProvider>
  );
}
