import { Anchor, Group, Paper, Text } from '@mantine/core';
import type { Attachment } from '@/shared/api';
import { formatBytes } from '@/shared/lib/format';

/** Attachments as downloads (the server always sends them as Content-Disposition: attachment). */
export function Attachments({ items }: { items: Attachment[] }) {
  const files = items.filter((a) => !a.inline || !a.contentId);
  if (files.length === 0) return null;
  return (
    <Group gap="xs" aria-label="Attachments" role="list">
      {files.map((a) => (
        <Paper key={a.index} withBorder px="sm" py={4} role="listitem">
          <Anchor href={a.url} download={a.filename} size="sm">{a.filename || `attachment ${a.index + 1}`}</Anchor>
          <Text span size="xs" c="dimmed"> · {formatBytes(a.size)} · {a.contentType}</Text>
        </Paper>
      ))}
    </Group>
  );
}
