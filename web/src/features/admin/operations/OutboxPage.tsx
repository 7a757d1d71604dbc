import { Anchor, Badge, Button, Group, Select, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { formatTime } from '@/shared/lib/format';
import { LoadError, Page } from '../ui/Page';
import { useOutbox, useRetryOutbox } from './api';

const COLOUR: Record<string, string> = { sent: 'teal', failed: 'red', pending: 'blue', sending: 'blue', cancelled: 'gray' };

/** Outgoing mail (answers, automatic answers, forwards) and its delivery state; retry a failed one. */
export function OutboxPage() {
  const [status, setStatus] = useState<string | null>(null);
  const outbox = useOutbox(status as never);
  const retry = useRetryOutbox();
  return (
    <Page title="Outbox" actions={<Select aria-label="Status" placeholder="Any status" clearable value={status} onChange={setStatus} data={['pending', 'sending', 'sent', 'failed', 'cancelled']} w={160} />}>
      <LoadError error={outbox.error} />
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Created</Table.Th><Table.Th>Kind</Table.Th><Table.Th>To</Table.Th><Table.Th>Status</Table.Th><Table.Th>Last error</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {outbox.data?.map((o) => (
            <Table.Tr key={o.id}>
              <Table.Td>{formatTime(o.createdAt)}</Table.Td><Table.Td>{o.kind}</Table.Td>
              <Table.Td><Text size="sm" lineClamp={1}>{o.envelopeTo.join(', ')}</Text><Text size="xs" c="dimmed">from {o.envelopeFrom}</Text></Table.Td>
              <Table.Td><Badge variant="light" color={COLOUR[o.status] ?? 'gray'}>{o.status}</Badge><Text size="xs" c="dimmed">{o.attempts} attempts</Text></Table.Td>
              <Table.Td><Text size="xs" lineClamp={2}>{o.lastError ?? ''}</Text></Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Anchor href={`/api/v1/outbox/${o.id}/raw`} download={`outbox-${o.id}.eml`} size="sm">Raw</Anchor>
                  {o.status === 'failed' && <Button size="xs" variant="default" onClick={() => retry.mutate(o.id)}>Retry</Button>}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {outbox.data?.length === 0 && <Text c="dimmed">Nothing here.</Text>}
    </Page>
  );
}
