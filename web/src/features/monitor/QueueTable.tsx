import { Badge, Table, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useNow } from '@/shared/lib/useNow';
import { agedSeconds, clock, percent } from './format';
import type { Monitor, MonitorQueue } from './api';

/** A row is red when the server flags it or when the longest wait, ageing on screen, passes the threshold. */
export function queueAlert(q: MonitorQueue, longestWait: number): boolean {
  const t = q.thresholds.longestWaitSeconds;
  return q.alerts.longestWait || q.alerts.serviceLevel || (t !== null && q.waiting > 0 && longestWait > t);
}

/** Per queue: waiting, longest wait, offered, assigned, agents, SL today, estimated queue time. */
export function QueueTable({ monitor, onSelect, size = 'sm' }: { monitor: Monitor; onSelect?: (q: MonitorQueue) => void; size?: 'sm' | 'xl' }) {
  const now = useNow(1000);
  return (
    <Table striped={false} highlightOnHover={!!onSelect} fz={size} verticalSpacing={size === 'xl' ? 'md' : 'xs'} aria-label="Queues" data-testid="monitor-queues">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Queue</Table.Th><Table.Th ta="right">Waiting</Table.Th><Table.Th ta="right">Longest wait</Table.Th>
          <Table.Th ta="right">Offered</Table.Th><Table.Th ta="right">Assigned</Table.Th>
          <Table.Th ta="right">Ready / busy / paused</Table.Th><Table.Th ta="right">SL1 today</Table.Th><Table.Th ta="right">SL2 today</Table.Th>
          <Table.Th ta="right">Est. queue time</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {monitor.queues.map((q) => {
          const longest = q.waiting > 0 && q.oldestQueuedAt ? Math.max(q.longestWaitSeconds, (now - Date.parse(q.oldestQueuedAt)) / 1000) : q.waiting > 0 ? agedSeconds(q.longestWaitSeconds, monitor.at, now) : 0;
          const alert = queueAlert(q, longest);
          return (
            <Table.Tr key={q.id} data-testid="monitor-queue-row" data-queue={q.name} data-alert={alert ? 'true' : 'false'}
              style={alert ? { backgroundColor: 'var(--mantine-color-red-light)' } : undefined}>
              <Table.Td>
                {onSelect ? <UnstyledButton onClick={() => onSelect(q)} fw={600} td="underline" aria-label={`Contacts in ${q.name}`}>{q.name}</UnstyledButton> : <b>{q.name}</b>}
                {alert && <Badge color="red" ml="xs" size={size === 'xl' ? 'lg' : 'sm'}>over threshold</Badge>}
                {q.held > 0 && <Badge color="gray" variant="light" ml="xs" size="sm">{q.held} held (closed)</Badge>}
              </Table.Td>
              <Table.Td ta="right" data-testid="waiting">{q.waiting}</Table.Td>
              <Table.Td ta="right">{q.waiting > 0 ? clock(longest) : '–'}</Table.Td>
              <Table.Td ta="right" data-testid="offered">{q.offered}</Table.Td>
              <Table.Td ta="right" data-testid="assigned">{q.assigned}</Table.Td>
              <Table.Td ta="right">{q.agents.ready} / {q.agents.busy} / {q.agents.paused}<VisuallyHidden> (ready, busy, paused)</VisuallyHidden></Table.Td>
              <Table.Td ta="right">{percent(q.today.sl1Percent)}</Table.Td>
              <Table.Td ta="right">{percent(q.today.sl2Percent)}</Table.Td>
              <Table.Td ta="right">{q.estimatedQueueSeconds === null ? 'nobody' : clock(q.estimatedQueueSeconds)}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
