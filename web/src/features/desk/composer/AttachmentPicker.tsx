import { Alert, Button, CloseButton, FileButton, Group, Paper, Text } from '@mantine/core';
import { useState } from 'react';
import { messageOf } from '@/shared/api';
import { formatBytes } from '@/shared/lib/format';
import { deleteUpload, uploadFile } from './api';
import { rememberUpload, uploadMeta } from './uploads';

/** Files to send with the answer: uploaded at once (refused above the server's limit, with the reason). */
export function AttachmentPicker({ contactId, ids, maxBytes, onChange }: { contactId: string; ids: string[]; maxBytes: number; onChange: (ids: string[]) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const add = async (files: File[]) => {
    setError(null);
    const added: string[] = [];
    setBusy(true);
    try {
      for (const file of files) {
        if (file.size > maxBytes) { setError(`${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`); continue; }
        try {
          const u = await uploadFile(contactId, file);
          rememberUpload(u);
          added.push(u.id);
        } catch (err) { setError(`${file.name}: ${messageOf(err)}`); }
      }
    } finally { setBusy(false); }
    if (added.length) onChange([...ids, ...added]);
  };
  const remove = (id: string) => { onChange(ids.filter((x) => x !== id)); void deleteUpload(id).catch(() => undefined); };
  return (
    <div>
      <Group gap="xs">
        <FileButton onChange={(f) => void add(f)} multiple>
          {(props) => <Button {...props} size="compact-sm" variant="default" loading={busy}>Attach files…</Button>}
        </FileButton>
        {ids.map((id) => {
          const m = uploadMeta(id);
          return (
            <Paper key={id} withBorder px={6} py={2} data-testid="answer-attachment">
              <Group gap={4} wrap="nowrap">
                <Text size="xs">{m.filename}{m.size ? ` · ${formatBytes(m.size)}` : ''}</Text>
                <CloseButton size="xs" aria-label={`Remove ${m.filename}`} onClick={() => remove(id)} />
              </Group>
            </Paper>
          );
        })}
      </Group>
      {error && <Alert color="red" mt={4} py={4} role="alert" data-testid="upload-error">{error}</Alert>}
    </div>
  );
}
