import { Button, Code, Group, Select, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { formatTime } from '@/shared/lib/format';
import { LoadError, Page } from '../ui/Page';
import { useAudit } from './api';

/** Object types as the server names them (the route's path segments). */
const TYPES = ['users', 'smtp-servers', 'accounts', 'entrances', 'entrances.auto-answer', 'categories', 'patterns', 'answer-templates', 'analysis.settings', 'areas', 'skills', 'queues', 'queues.thresholds', 'task-types', 'areas.routing-rules', 'areas.task-type-rules', 'agents', 'quarantine', 'outbox'];
const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v, null, 1));

/** Every configuration change: who, when, what, before and after (secrets masked by the server). */
export function AuditPage() {
  const [type, setType] = useState<string | null>(null);
  const [pages, setPages] = useState<(number | null)[]>([null]);
  const before = pages[pages.length - 1] ?? null;
  const audit = useAudit(type, before);
  const last = audit.data?.[audit.data.length - 1];
  return (
    <Page title="Audit log" actions={<Select aria-label="Object type" placeholder="Any object" clearable searchable data={TYPES} value={type} onChange={(t) => { setType(t); setPages([null]); }} w={200} />}>
      <LoadError error={audit.error} />
      <Table striped fz="sm">
        <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Who</Table.Th><Table.Th>What</Table.Th><Table.Th>Before</Table.Th><Table.Th>After</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {audit.data?.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{formatTime(e.at)}</Table.Td><Table.Td>{e.username ?? 'system'}</Table.Td>
              <Table.Td><Text size="sm" fw={500}>{e.action} {e.objectType}</Text><Text size="xs" c="dimmed">{e.objectId}</Text></Table.Td>
              <Table.Td maw={320}>{e.before !== null && <Code block style={{ maxHeight: 160, overflow: 'auto' }}>{json(e.before)}</Code>}</Table.Td>
              <Table.Td maw={320}>{e.after !== null && <Code block style={{ maxHeight: 160, overflow: 'auto' }}>{json(e.after)}</Code>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={pages.length === 1} onClick={() => setPages((p) => p.slice(0, -1))}>Newer</Button>
        <Button variant="default" disabled={!last || (audit.data?.length ?? 0) < 100} onClick={() => setPages((p) => [...p, last!.id])}>Older</Button>
      </Group>
    </Page>
  );
}
