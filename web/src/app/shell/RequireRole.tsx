import { Alert, Center, Loader } from '@mantine/core';
import { Suspense, type ReactNode } from 'react';
import type { User } from '@/shared/api';
import { useSession } from '@/shared/session/useSession';

/** A section for some roles only (loaded on demand): others are told so (the API refuses them anyway). */
export function RequireRole({ roles, children }: { roles: ReadonlyArray<User['role']>; children: ReactNode }) {
  const session = useSession();
  if (session.data && !roles.includes(session.data.role)) {
    return <Center p="xl"><Alert color="yellow" title="Not for your role">This section is for {roles.join(' and ')}s.</Alert></Center>;
  }
  return <Suspense fallback={<Center p="xl"><Loader aria-label="Loading" /></Center>}>{children}</Suspense>;
}
