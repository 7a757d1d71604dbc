import { Button, Drawer, Group, NumberInput, Select, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useMoveContact, useQueueContacts, useRoutingQueues, useSetPriority, type MonitorQueue } from './api';

/** The contacts waiting or offered in one queue: move one elsewhere or change its priority. */
export function QueueContacts({ queue, onClose }: { queue: MonitorQueue | null; onClose: () => void }) {
  const contacts = useQueueContacts(queue?.id ?? null);
  const queues = useRoutingQueues();
  const move = useMoveContact();
  const priority = useSetPriority();
  const [targets, setTargets] = useState<Record<string, string | null>>({});
  const [priorities, setPriorities] = useState<Record<string, number>>({});
  return (
    <Drawer opened={!!queue} onClose={onClose} title={`Contacts in ${queue?.name ?? ''}`} position="right" size="xl">
      {contacts.data?.length === 0 && <Text c="dimmed">Nobody waiting.</Text>}
      <Table fz="sm">
        <Table.Thead><Table.Tr><Table.Th>Subject</Table.Th><Table.Th>Status</Table.Th><Table.Th>Priority</Table.Th><Table.Th>Move to</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {contacts.data?.map((c) => (
            <Table.Tr key={c.id} data-testid="queue-contact">
              <Table.Td><Text size="sm" lineClamp={1}>{c.subject}</Text><Text size="xs" c="dimmed">{c.from?.address}</Text></Table.Td>
              <Table.Td>{c.status}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <NumberInput size="xs" w={70} aria-label={`Priority of ${c.subject}`} value={priorities[c.id] ?? c.priority} onChange={(n) => setPriorities((p) => ({ ...p, [c.id]: Number(n) || 0 }))} />
                  <Button size="compact-xs" variant="default" onClick={() => priority.mutate({ id: c.id, priority: priorities[c.id] ?? c.priority })}>Set</Button>
                </Group>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Select size="xs" w={160} aria-label={`Move ${c.subject} to`} data={(queues.data ?? []).filter((q) => q.id !== c.queueId).map((q) => ({ value: q.id, label: q.name }))}
                    value={targets[c.id] ?? null} onChange={(v) => setTargets((t) => ({ ...t, [c.id]: v }))} />
                  <Button size="compact-xs" variant="default" disabled={!targets[c.id]} onClick={() => move.mutate({ id: c.id, to: { queueId: targets[c.id]! } })}>Move</Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Drawer>
  );
}
