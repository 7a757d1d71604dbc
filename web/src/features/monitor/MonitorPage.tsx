import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useStreamStatus } from '@/shared/events/context';
import { AgentTable } from './AgentTable';
import { useMonitor, type MonitorQueue } from './api';
import { Charts } from './Charts';
import { QueueContacts } from './QueueContacts';
import { QueueTable } from './QueueTable';

/** The supervisor monitor: live queues and agents (pushed over the event stream), today's charts, actions. */
export function MonitorPage() {
  const monitor = useMonitor();
  const status = useStreamStatus();
  const [selected, setSelected] = useState<MonitorQueue | null>(null);
  return (
    <Stack p="md" gap="md" style={{ overflow: 'auto' }}>
      <Group justify="space-between">
        <Title order={2} size="h3">Monitor</Title>
        <Group gap="sm">
          <Text size="sm" c="dimmed" data-testid="monitor-live">{status === 'online' ? 'Live' : 'Reconnecting…'}{monitor.data ? ` · ${new Date(monitor.data.at).toLocaleTimeString()}` : ''}</Text>
          <Button component={Link} to="/monitor/wallboard" variant="default" size="xs">Wallboard</Button>
        </Group>
      </Group>
      {monitor.error && <Alert color="red" title="Could not load the monitor">{(monitor.error as Error).message}</Alert>}
      {monitor.data && (
        <>
          <Paper withBorder p="xs"><QueueTable monitor={monitor.data} onSelect={setSelected} /></Paper>
          <Charts />
          <Paper withBorder p="xs"><Title order={3} size="h5" p="xs">Agents</Title><AgentTable monitor={monitor.data} /></Paper>
        </>
      )}
      <QueueContacts queue={selected} onClose={() => setSelected(null)} />
    </Stack>
  );
}
