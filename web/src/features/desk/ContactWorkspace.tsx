import { Alert, Loader, Stack } from '@mantine/core';
import { lazy, Suspense } from 'react';
import type { Agent } from '@/shared/api';
import { ContactActions } from './actions/ContactActions';
import { DeliveryState } from './composer/DeliveryState';
import { UndoBar } from './composer/UndoBar';
import { useAnswering } from './composer/useAnswering';
import { ContactReader } from './reader';

/** The composer (and TipTap with it) loads on first use, keeping the first page load small. */
const Composer = lazy(() => import('./composer/Composer').then((m) => ({ default: m.Composer })));

/** One contact: read it, act on it, answer it (built-in agents) — the middle of the desk. */
export function ContactWorkspace({ contactId, me }: { contactId: string; me: Agent }) {
  const answering = useAnswering(contactId);
  const external = me.externalClient;
  return (
    <ContactReader
      contactId={contactId}
      toolbar={(c) => (
        <Stack gap={6}>
          {external && c.status === 'assigned' && (
            <Alert color="blue" py={6} data-testid="external-notice">
              You read and answer this email in your own mail program (a copy went to {me.email}). Accept, park, transfer and close it here.
            </Alert>
          )}
          <ContactActions contact={c} me={me} onAnswer={external ? undefined : answering.open} />
        </Stack>
      )}
    >
      {() => (
        <>
          {answering.last && answering.last.state === 'scheduled' && (
            <UndoBar undoUntil={answering.last.undoUntil} onUndo={answering.undo} busy={answering.undoing} />
          )}
          {answering.last && answering.last.state !== 'scheduled' && <DeliveryState state={answering.last.state} reason={answering.last.reason} />}
          {answering.mode && (
            <Suspense fallback={<Loader size="sm" aria-label="Loading the composer" />}>
              <Composer contactId={contactId} mode={answering.mode} onSent={answering.sent} onClose={answering.close} />
            </Suspense>
          )}
        </>
      )}
    </ContactReader>
  );
}
