import { AppShell, Center, Loader } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Outlet } from 'react-router';
import { SignInPage } from '@/features/session';
import { EventStreamProvider } from '@/shared/events/context';
import { useSession } from '@/shared/session/useSession';
import { HelpOverlay } from '@/shared/ui/HelpOverlay';
import { OfflineBanner } from '@/shared/ui/OfflineBanner';
import { Header } from './Header';

/** Signed out: the sign-in page. Signed in: header, offline banner, the screen, live events. */
export function Shell() {
  const session = useSession();
  const qc = useQueryClient();
  if (session.isPending) return <Center h="100%"><Loader aria-label="Loading" /></Center>;
  if (!session.data) return <SignInPage />;
  return (
    <EventStreamProvider key={session.data.id} onReconnect={() => void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' })}>
      <AppShell header={{ height: 52 }} padding={0}>
        <AppShell.Header><Header user={session.data} /></AppShell.Header>
        <AppShell.Main h="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
          <OfflineBanner />
          <Outlet />
        </AppShell.Main>
      </AppShell>
      <HelpOverlay />
    </EventStreamProvider>
  );
}
