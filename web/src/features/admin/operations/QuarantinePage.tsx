import { Anchor, Badge, Button, Group, SegmentedControl, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { formatBytes, formatTime } from '@/shared/lib/format';
import { ConfirmButton } from '../ui/ConfirmButton';
import { LoadError, Page } from '../ui/Page';
import { useDiscardQuarantine, useQuarantine, useReleaseQuarantine } from './api';

/** Quarantined messages with their reason; download the raw message, release it for processing again, or discard it. */
export function QuarantinePage() {
  const [state, setState] = useState<'open' | 'released' | 'discarded' | 'all'>('open');
  const entries = useQuarantine(state);
  const release = useReleaseQuarantine();
  const discard = useDiscardQuarantine();
  return (
    <Page title="Quarantine" actions={<SegmentedControl aria-label="Show" value={state} onChange={(v) => setState(v as typeof state)} data={['open', 'released', 'discarded', 'all']} />}>
      <LoadError error={entries.error} />
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Reason</Table.Th><Table.Th>Size</Table.Th><Table.Th>State</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {entries.data?.map((q) => (
            <Table.Tr key={q.id}>
              <Table.Td>{formatTime(q.createdAt)}</Table.Td>
              <Table.Td><Text size="sm" fw={500}>{q.reasonCode}</Text><Text size="xs">{q.reason}</Text></Table.Td>
              <Table.Td>{q.size !== null ? formatBytes(q.size) : ''}</Table.Td>
              <Table.Td>{q.resolution ? <Badge variant="light" color="gray">{q.resolution} {formatTime(q.resolvedAt)}</Badge> : <Badge variant="light" color="yellow">open</Badge>}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Anchor href={`/api/v1/quarantine/${q.id}/raw`} download={`quarantine-${q.id}.eml`} size="sm">Raw</Anchor>
                  {!q.resolution && <>
                    <Button size="xs" variant="default" onClick={() => release.mutate(q.id)}>Release</Button>
                    <ConfirmButton question="Discard this message for good?" onConfirm={() => discard.mutate(q.id)}>Discard</ConfirmButton>
                  </>}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {entries.data?.length === 0 && <Text c="dimmed">Nothing here.</Text>}
    </Page>
  );
}
