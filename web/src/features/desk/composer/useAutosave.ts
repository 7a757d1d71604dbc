import { useDebouncedCallback } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { messageOf } from '@/shared/api';
import { draftKey, saveDraft, type DraftFields } from './api';

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'error'; message: string };

/** Saves the draft on the server as the agent types (debounced), so it survives a reload or a crash. */
export function useAutosave(contactId: string, delayMs = 700) {
  const qc = useQueryClient();
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const save = useCallback(async (draft: DraftFields) => {
    setState({ kind: 'saving' });
    try {
      const saved = await saveDraft(contactId, draft);
      qc.setQueryData(draftKey(contactId), saved);
      setState({ kind: 'saved', at: saved.updatedAt });
    } catch (err) {
      setState({ kind: 'error', message: messageOf(err) });
    }
  }, [contactId, qc]);
  const debounced = useDebouncedCallback(save, delayMs);
  return { state, schedule: debounced, saveNow: save };
}
