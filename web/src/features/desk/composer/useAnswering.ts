import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { api, messageOf, ok } from '@/shared/api';
import { useLiveEvents } from '@/shared/events/context';
import { conversationKey, useUndo, type Answer, type Mode } from './api';

/**
 * The answering state of one contact: the composer open or not (and in which mode), the last
 * answer sent (with its undo window), and its delivery state as answer.state events report it.
 */
export function useAnswering(contactId: string) {
  const qc = useQueryClient();
  const [mode, setMode] = useState<Mode | null>(null);
  const [last, setLast] = useState<Answer | null>(null);
  const undo = useUndo(contactId);
  useLiveEvents((e) => {
    if (e.contactId !== contactId) return;
    void qc.invalidateQueries({ queryKey: conversationKey(contactId) });
    if (typeof e.answerId === 'string' && typeof e.state === 'string') {
      setLast((a) => (a && a.id === e.answerId ? { ...a, state: e.state as Answer['state'], reason: typeof e.reason === 'string' ? e.reason : undefined } : a));
    }
  }, ['answer.state']);
  // Besides the answer.state events: a light poll while the answer is on its way.
  const settled = !last || ['sent', 'failed', 'cancelled'].includes(last.state);
  const polled = useQuery({
    queryKey: ['answer', last?.id], enabled: !settled, refetchInterval: 1500,
    queryFn: async () => (await ok(api.GET('/api/v1/answers/{id}', { params: { path: { id: last!.id } } }))).answer,
  });
  const polledAnswer = polled.data;
  useEffect(() => {
    if (polledAnswer) setLast((a) => (a && a.id === polledAnswer.id && a.state !== polledAnswer.state ? polledAnswer : a));
  }, [polledAnswer]);
  return {
    mode, last,
    open: (m: Mode) => setMode(m),
    close: () => setMode(null),
    sent: (a: Answer) => { setLast(a); setMode(null); },
    undoing: undo.isPending,
    undo: () => {
      if (!last) return;
      undo.mutate(last.id, {
        onSuccess: (r) => { setLast({ ...last, state: r.answer.state }); setMode(r.draft.mode); },
        onError: (err) => notifications.show({ color: 'red', title: 'Too late to undo', message: messageOf(err) }),
      });
    },
  };
}
