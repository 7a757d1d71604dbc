import { Alert } from '@mantine/core';
import { useStreamStatus } from '../events/context';

/** Shown while the live event stream is down; it reconnects by itself and catches up. */
export function OfflineBanner() {
  const status = useStreamStatus();
  if (status !== 'offline') return null;
  return (
    <Alert color="orange" variant="filled" radius={0} py={6} role="status" data-testid="offline-banner" title={undefined}>
      Offline: reconnecting to Switchyard… Nothing is lost; missed events arrive when the connection is back.
    </Alert>
  );
}
