import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, messageOf, ok, type Agent } from '@/shared/api';

/** My agent state, open offers and contacts: the desk's main server state. */
export const ME_KEY = ['me'] as const;

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: () => ok(api.GET('/api/v1/agents/me')), refetchInterval: 60_000 });
}

type StateBody = { state: 'ready' | 'paused' | 'logged_out'; reason?: string };

const failed = (what: string) => (err: unknown) => notifications.show({ color: 'red', title: what, message: messageOf(err) });

export function useSetState() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StateBody) => ok(api.PUT('/api/v1/agents/me/state', { body })),
    onSuccess: (me) => qc.setQueryData<Agent>(ME_KEY, me),
    onError: failed('The state was not changed'),
  });
}

export function useWrapUp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { action: 'end' | 'extend'; seconds?: number }) => ok(api.POST('/api/v1/agents/me/wrap-up', { body })),
    onSettled: () => qc.invalidateQueries({ queryKey: ME_KEY }),
    onError: failed('Wrap-up was not changed'),
  });
}
