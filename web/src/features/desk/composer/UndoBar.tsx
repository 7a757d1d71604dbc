import { Button, Group, Paper, Text } from '@mantine/core';
import { secondsUntil, useNow } from '@/shared/lib/useNow';
import { useShortcut } from '@/shared/shortcuts/registry';

/** "Sending in 8 s — Undo" while the answer can still be taken back. */
export function UndoBar({ undoUntil, onUndo, busy }: { undoUntil: string; onUndo: () => void; busy: boolean }) {
  const now = useNow(250);
  const left = secondsUntil(undoUntil, now);
  useShortcut({ keys: ['Alt+Z'], label: 'Undo send', group: 'Answer' }, onUndo, left > 0);
  if (left <= 0) return null;
  return (
    <Paper withBorder p="xs" bg="var(--mantine-color-default-hover)" role="status" data-testid="undo-bar">
      <Group justify="space-between">
        <Text size="sm">Sending in {left} s…</Text>
        <Button size="compact-sm" variant="default" onClick={onUndo} loading={busy}>Undo (Alt+Z)</Button>
      </Group>
    </Paper>
  );
}
