import { Button, Group, Loader, Modal, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTransfer, useTransferTargets } from './api';

/** Transfer to another queue or a colleague's personal queue (queue time kept; I become Paused, no wrap-up). */
export function TransferDialog({ contactId, opened, onClose, onDone }: { contactId: string; opened: boolean; onClose: () => void; onDone: () => void }) {
  const targets = useTransferTargets(opened);
  const transfer = useTransfer(contactId);
  const [target, setTarget] = useState<string | null>(null);
  const data = targets.data ? [
    { group: 'Queues', items: targets.data.queues.map((q) => ({ value: `queue:${q.id}`, label: q.kind === 'waiting-list' ? `${q.name} (waiting list)` : q.name })) },
    { group: 'Colleagues', items: targets.data.agents.map((a) => ({ value: `agent:${a.id}`, label: `${a.displayName} (${a.state.replace('_', '-')})` })) },
  ] : [];
  const submit = () => {
    if (!target) return;
    const [kind, id] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
    transfer.mutate(kind === 'queue' ? { queueId: id } : { agentId: id }, { onSuccess: onDone });
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Transfer the contact">
      {targets.isPending ? <Loader aria-label="Loading targets" /> : (
        <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
          <Stack>
            <Select label="To" data={data} value={target} onChange={setTarget} searchable required data-autofocus comboboxProps={{ withinPortal: true }} />
            <Text size="xs" c="dimmed">The contact keeps its queue time. You become Paused, without wrap-up.</Text>
            <Group justify="flex-end"><Button type="submit" disabled={!target} loading={transfer.isPending}>Transfer</Button></Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
