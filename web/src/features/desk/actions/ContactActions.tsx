import { Button, Group } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Agent, ContactDetail } from '@/shared/api';
import { useShortcut } from '@/shared/shortcuts/registry';
import { useUnpark } from './api';
import { CloseDialog } from './CloseDialog';
import { ParkDialog } from './ParkDialog';
import { TransferDialog } from './TransferDialog';

export type AnswerMode = 'reply' | 'reply-all' | 'forward';
type Dialog = null | 'close' | 'unhandled' | 'park' | 'transfer';

/**
 * What I can do with the contact I hold: answer, park / take back, transfer, close. The dialogs stay
 * mounted after the contact stops being mine, so their completion (navigation) still runs.
 */
export function ContactActions({ contact, me, onAnswer }: { contact: ContactDetail; me: Agent; onAnswer?: (mode: AnswerMode) => void }) {
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialog>(null);
  const unpark = useUnpark(contact.id);
  const mine = contact.status === 'assigned' && contact.agentId === me.id;
  const parked = contact.parked;
  const answering = mine && !parked && !!onAnswer;
  const left = () => { setDialog(null); void navigate('/desk'); };
  const open = (d: Dialog) => () => setDialog(d);

  useShortcut({ keys: ['R'], label: 'Reply', group: 'Contact' }, () => onAnswer?.('reply'), answering);
  useShortcut({ keys: ['Shift+R'], label: 'Reply all', group: 'Contact' }, () => onAnswer?.('reply-all'), answering);
  useShortcut({ keys: ['F'], label: 'Forward', group: 'Contact' }, () => onAnswer?.('forward'), answering);
  useShortcut({ keys: ['Alt+K'], label: 'Park / take back', group: 'Contact' }, () => (parked ? unpark.mutate(undefined) : setDialog('park')), mine);
  useShortcut({ keys: ['Alt+T'], label: 'Transfer', group: 'Contact' }, open('transfer'), mine);
  useShortcut({ keys: ['Alt+C'], label: 'Close with a wrap-up code', group: 'Contact' }, open('close'), mine);
  useShortcut({ keys: ['Alt+U'], label: 'Close unhandled', group: 'Contact' }, open('unhandled'), mine);
  return (
    <>
      {mine && (<Group gap="xs" role="toolbar" aria-label="Contact actions">
        {answering && (
          <>
            <Button size="compact-sm" onClick={() => onAnswer('reply')}>Reply</Button>
            <Button size="compact-sm" variant="default" onClick={() => onAnswer('reply-all')}>Reply all</Button>
            <Button size="compact-sm" variant="default" onClick={() => onAnswer('forward')}>Forward</Button>
          </>
        )}
        {parked
          ? <Button size="compact-sm" variant="default" onClick={() => unpark.mutate(undefined)} loading={unpark.isPending}>Take back</Button>
          : <Button size="compact-sm" variant="default" onClick={open('park')}>Park…</Button>}
        <Button size="compact-sm" variant="default" onClick={open('transfer')}>Transfer…</Button>
        <Button size="compact-sm" variant="default" onClick={open('close')}>Close…</Button>
        <Button size="compact-sm" variant="subtle" color="red" onClick={open('unhandled')}>Close unhandled…</Button>
      </Group>)}
      {(dialog === 'close' || dialog === 'unhandled') && (
        <CloseDialog contactId={contact.id} codes={contact.taskType?.wrapUpCodes ?? []} opened initialTab={dialog === 'close' ? 'handled' : 'unhandled'}
          onClose={() => setDialog(null)} onDone={left} />
      )}
      {dialog === 'park' && <ParkDialog contactId={contact.id} opened onClose={() => setDialog(null)} onDone={() => setDialog(null)} parkedCount={me.parkedCount} maxParked={me.maxParked} />}
      {dialog === 'transfer' && <TransferDialog contactId={contact.id} opened onClose={() => setDialog(null)} onDone={left} />}
    </>
  );
}
