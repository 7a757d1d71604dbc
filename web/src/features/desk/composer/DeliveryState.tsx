import { Badge, Group, Text } from '@mantine/core';

const COLOR: Record<string, string> = { scheduled: 'gray.7', queued: 'blue.9', sent: 'teal.9', retrying: 'grape.9', failed: 'red.9', cancelled: 'gray.7' };
const LABEL: Record<string, string> = { scheduled: 'waiting (undo possible)', queued: 'queued', sent: 'sent', retrying: 'retrying', failed: 'failed', cancelled: 'taken back' };

/** An outgoing answer's delivery state, live from answer.state events. */
export function DeliveryState({ state, reason }: { state: string; reason?: string | null }) {
  return (
    <Group gap={4} wrap="nowrap" data-testid="delivery-state" data-state={state}>
      {/* sent with a reason: some recipients were refused — the agent must see it */}
      <Badge size="sm" color={state === 'sent' && reason ? 'orange.9' : COLOR[state] ?? 'gray.7'}>{LABEL[state] ?? state}</Badge>
      {reason && <Text size="xs" c="dimmed" lineClamp={1}>{reason}</Text>}
    </Group>
  );
}
