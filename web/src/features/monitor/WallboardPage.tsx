import { Box, Group, SimpleGrid, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useNow } from '@/shared/lib/useNow';
import { useMonitor } from './api';
import { clock, percent } from './format';
import { queueAlert } from './QueueTable';

/** For a large screen: one tile per queue in large type, red past its thresholds. */
export function WallboardPage() {
  const monitor = useMonitor();
  const now = useNow(1000);
  return (
    <Box p="lg" style={{ overflow: 'auto' }}>
      <Group justify="space-between" mb="md">
        <Title order={2}>Wallboard</Title>
        <Text component={Link} to="/monitor" size="sm">Back to the monitor</Text>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg">
        {monitor.data?.queues.map((q) => {
          const longest = q.waiting > 0 && q.oldestQueuedAt ? (now - Date.parse(q.oldestQueuedAt)) / 1000 : 0;
          const alert = queueAlert(q, longest);
          return (
            <Box key={q.id} p="lg" data-testid="wallboard-tile" data-alert={alert ? 'true' : 'false'}
              style={{ borderRadius: 12, border: '2px solid var(--mantine-color-default-border)', background: alert ? 'var(--mantine-color-red-light)' : undefined }}>
              <Text fz={28} fw={700} lineClamp={1}>{q.name}{alert ? ' ⚠' : ''}</Text>
              <Group justify="space-between" mt="sm" align="flex-end">
                <div><Text fz={64} fw={800} lh={1} data-testid="wallboard-waiting">{q.waiting}</Text><Text fz="lg">waiting</Text></div>
                <div style={{ textAlign: 'right' }}><Text fz={40} fw={700} lh={1}>{q.waiting ? clock(longest) : '–'}</Text><Text fz="lg">longest wait</Text></div>
              </Group>
              <Group justify="space-between" mt="md">
                <Text fz="xl">SL1 {percent(q.today.sl1Percent)}</Text>
                <Text fz="xl">{q.agents.ready} ready · {q.agents.busy} busy</Text>
              </Group>
            </Box>
          );
        })}
      </SimpleGrid>
    </Box>
  );
}
