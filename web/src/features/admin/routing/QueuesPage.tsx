import { Button, Code, Table } from '@mantine/core';
import { useState } from 'react';
import { EditDrawer } from '../ui/EditDrawer';
import { LoadError, Page } from '../ui/Page';
import { useAreas, useQueues, type Queue } from './api';
import { QueueForm } from './QueueForm';

/** Queues and waiting lists. */
export function QueuesPage() {
  const queues = useQueues();
  const areas = useAreas();
  const areaName = (id: string) => areas.data?.find((a) => a.id === id)?.name ?? id;
  const [editing, setEditing] = useState<Queue | 'new' | null>(null);
  return (
    <Page title="Queues" actions={<Button onClick={() => setEditing('new')}>Add queue</Button>}>
      <LoadError error={queues.error} />
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Area</Table.Th><Table.Th>Kind</Table.Th><Table.Th>Requirement</Table.Th><Table.Th>Tier</Table.Th><Table.Th>SL1/SL2</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {queues.data?.map((q) => (
            <Table.Tr key={q.id} data-testid="queue-row">
              <Table.Td>{q.name}</Table.Td><Table.Td>{areaName(q.areaId)}</Table.Td><Table.Td>{q.kind}</Table.Td>
              <Table.Td>{q.requirement ? <Code>{q.requirement}</Code> : 'any'}</Table.Td>
              <Table.Td>{q.priorityTier}</Table.Td><Table.Td>{q.sl1Minutes} / {q.sl2Minutes} min</Table.Td>
              <Table.Td><Button size="xs" variant="default" onClick={() => setEditing(q)} aria-label={`Edit ${q.name}`}>Edit</Button></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <EditDrawer editing={editing} onClose={() => setEditing(null)} noun="queue" size="lg">
        {(item) => <QueueForm queue={item} onDone={() => setEditing(null)} />}
      </EditDrawer>
    </Page>
  );
}
