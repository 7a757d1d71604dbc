import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef } from 'react';
import { api, messageOf, ok, type ResponseOf } from '@/shared/api';
import { useLiveEvents } from '@/shared/events/context';

export type Monitor = ResponseOf<'/api/v1/monitor', 'get'>;
export type MonitorQueue = Monitor['queues'][number];
export type MonitorAgent = Monitor['agents'][number];
export type Intervals = ResponseOf<'/api/v1/monitor/intervals', 'get'>;

export const MONITOR_KEY = ['monitor'] as const;
const INTERVALS_KEY = ['monitor', 'intervals'] as const;
/** Aggregates (charts) are refetched no faster than this, however busy the stream is. */
export const AGGREGATE_MIN_MS = 15_000;

/**
 * The live monitor: read once, then again whenever the server says it changed (monitor.changed,
 * coalesced to at most one a second by the server); a slow safety refetch covers a quiet stream.
 */
export function useMonitor() {
  const qc = useQueryClient();
  const query = useQuery({ queryKey: MONITOR_KEY, queryFn: () => ok(api.GET('/api/v1/monitor')), refetchInterval: 60_000, staleTime: 1_000 });
  useLiveEvents(() => { void qc.invalidateQueries({ queryKey: MONITOR_KEY, exact: true }); }, ['monitor.changed']);
  return query;
}

/** Today's 15-minute chart data, refetched after a change but never more often than every 15 s. */
export function useIntervals() {
  const qc = useQueryClient();
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const query = useQuery({
    queryKey: INTERVALS_KEY,
    queryFn: async () => { last.current = Date.now(); return ok(api.GET('/api/v1/monitor/intervals', { params: { query: {} } })); },
    refetchInterval: 5 * 60_000,
    staleTime: AGGREGATE_MIN_MS,
  });
  useLiveEvents(() => {
    if (timer.current) return;
    const wait = Math.max(0, last.current + AGGREGATE_MIN_MS - Date.now());
    timer.current = setTimeout(() => { timer.current = null; void qc.invalidateQueries({ queryKey: INTERVALS_KEY }); }, wait);
  }, ['monitor.changed']);
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);
  return query;
}

/** Contacts waiting or offered in a queue (for moving them or changing their priority). */
export function useQueueContacts(queueId: string | null) {
  return useQuery({
    queryKey: ['monitor', 'contacts', queueId],
    enabled: !!queueId,
    queryFn: async () => {
      const [queued, offered] = await Promise.all(['queued', 'offered'].map((status) =>
        ok(api.GET('/api/v1/contacts', { params: { query: { status: status as 'queued', limit: 200 } } }))));
      return [...queued!.contacts, ...offered!.contacts].filter((c) => c.queueId === queueId);
    },
  });
}

export function useRoutingQueues() {
  return useQuery({ queryKey: ['monitor', 'routing-queues'], queryFn: async () => (await ok(api.GET('/api/v1/routing/queues'))).queues, staleTime: 60_000 });
}

function useAction<V>(what: string, fn: (v: V) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => notifications.show({ color: 'teal', message: `${what}: done` }),
    onError: (err) => notifications.show({ color: 'red', title: `${what}: not done`, message: messageOf(err) }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['monitor'] }),
  });
}

export const useMoveContact = () => useAction('Move', ({ id, to }: { id: string; to: { queueId: string } | { agentId: string } }) =>
  ok(api.POST('/api/v1/supervisor/contacts/{id}/move', { params: { path: { id } }, body: to })));
export const useSetPriority = () => useAction('Priority', ({ id, priority }: { id: string; priority: number }) =>
  ok(api.PUT('/api/v1/supervisor/contacts/{id}/priority', { params: { path: { id } }, body: { priority } })));
export const useForceState = () => useAction('Agent state', ({ id, state, reason }: { id: string; state: 'ready' | 'paused' | 'logged_out'; reason?: string }) =>
  ok(api.PUT('/api/v1/supervisor/agents/{id}/state', { params: { path: { id } }, body: { state, ...(reason ? { reason } : {}) } })));
export const useForcedQueues = () => useAction('Queues', ({ id, queueIds }: { id: string; queueIds: string[] }) =>
  ok(api.PUT('/api/v1/supervisor/agents/{id}/forced-queues', { params: { path: { id } }, body: { queueIds } })));
