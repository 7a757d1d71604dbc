import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok, type User } from '../api';

/** The signed-in user (null when signed out), shared by the shell and every feature. */
export const SESSION_KEY = ['session'] as const;

export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<User | null> => {
      const res = await api.GET('/api/v1/session');
      if (res.response.status === 401) return null;
      return (await ok(Promise.resolve(res))).user;
    },
    staleTime: Infinity,
    retry: false,
  });
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) => ok(api.POST('/api/v1/session', { body })),
    onSuccess: (session) => qc.setQueryData(SESSION_KEY, session.user),
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      // Signing out ends the working day too: no offers for a signed-out agent (best effort).
      await api.PUT('/api/v1/agents/me/state', { body: { state: 'logged_out' } }).catch(() => undefined);
      return ok(api.DELETE('/api/v1/session'));
    },
    onSettled: () => { qc.clear(); qc.setQueryData(SESSION_KEY, null); },
  });
}
