import { Badge, Group, Stack, Text, Title } from '@mantine/core';
import type { ContactDetail } from '@/shared/api';
import { addressLabel, formatDuration, formatTime } from '@/shared/lib/format';

const list = (xs: { address: string; name: string }[]) => xs.map(addressLabel).join(', ');

/** From, To, Cc, date, subject, case number, language, categories and time in queue. */
export function MessageHeader({ contact }: { contact: ContactDetail }) {
  const data = contact.contactData;
  const language = typeof data.language === 'string' && !['unknown', 'und', ''].includes(data.language) ? data.language : null;
  const categories = Array.isArray(data.categories) ? data.categories.filter((c): c is string => typeof c === 'string') : [];
  const queued = contact.queuedAt && contact.assignedAt ? Date.parse(contact.assignedAt) - Date.parse(contact.queuedAt) : null;
  return (
    <Stack gap={2}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Title order={2} size="h4" lineClamp={2}>{contact.subject || '(no subject)'}</Title>
        <Group gap={4} wrap="nowrap">
          {contact.caseNumber !== null && <Badge variant="light">Case #{contact.caseNumber}</Badge>}
          {language && <Badge variant="outline">{language}</Badge>}
          {categories.slice(0, 3).map((c) => <Badge key={c} variant="dot">{c}</Badge>)}
        </Group>
      </Group>
      <Text size="sm"><Text span c="dimmed">From </Text>{addressLabel(contact.from)}</Text>
      <Text size="sm"><Text span c="dimmed">To </Text>{list(contact.to)}</Text>
      {contact.cc.length > 0 && <Text size="sm"><Text span c="dimmed">Cc </Text>{list(contact.cc)}</Text>}
      <Text size="xs" c="dimmed">
        {formatTime(contact.date)}
        {queued !== null && ` · waited ${formatDuration(queued)} in queue`}
      </Text>
    </Stack>
  );
}
