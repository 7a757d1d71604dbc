import { Badge, Group, Loader, Paper, Spoiler, Stack, Text } from '@mantine/core';
import { formatTime } from '@/shared/lib/format';
import { useConversation } from '../composer/api';
import { DeliveryState } from '../composer/DeliveryState';

/** The case's mails in and out, oldest first; outgoing ones with their delivery state. */
export function Conversation({ contactId }: { contactId: string }) {
  const conv = useConversation(contactId);
  if (conv.isPending) return <Loader size="sm" aria-label="Loading the conversation" />;
  if (conv.isError) return <Text size="sm" c="red.9">{conv.error.message}</Text>;
  return (
    <Stack gap="xs" data-testid="conversation">
      {conv.data.caseNumber !== null && <Text size="xs" c="dimmed">Case #{conv.data.caseNumber}</Text>}
      {conv.data.messages.map((m, i) => (
        <Paper key={`${m.messageId ?? i}-${m.answerId ?? ''}`} withBorder p="xs" data-direction={m.direction}
          style={{ borderLeft: `3px solid var(--mantine-color-${m.direction === 'in' ? 'blue' : 'teal'}-7)` }}>
          <Group justify="space-between" gap={4} wrap="nowrap">
            <Badge size="xs" variant="outline" color={m.direction === 'in' ? 'blue.9' : 'teal.9'}>{m.direction === 'in' ? 'In' : 'Out'}</Badge>
            <Text size="xs" c="dimmed">{formatTime(m.date)}</Text>
          </Group>
          <Text size="xs" lineClamp={1}>{m.fromName || m.from}</Text>
          <Text size="sm" fw={500} lineClamp={2}>{m.subject}</Text>
          {m.state && <DeliveryState state={m.state} reason={m.reason} />}
          <Spoiler maxHeight={60} showLabel="More" hideLabel="Less">
            <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>{m.text}</Text>
          </Spoiler>
        </Paper>
      ))}
    </Stack>
  );
}
