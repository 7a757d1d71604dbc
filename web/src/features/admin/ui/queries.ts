import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { failed } from './notify';

/** A read of the admin API, cached under its key. */
export function useApiQuery<T>(key: QueryKey, fn: () => Promise<T>, enabled = true, refetchInterval: number | false = false) {
  return useQuery({ queryKey: key, queryFn: fn, enabled, refetchInterval });
}

/** A change: refetches the listed keys afterwards; errors are left to the caller (forms show them by field) unless `toast` names the action. */
export function useApiMutation<V, R>(fn: (v: V) => Promise<R>, invalidate: QueryKey[], toast?: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => Promise.all(invalidate.map((k) => qc.invalidateQueries({ queryKey: k }))),
    ...(toast ? { onError: failed(toast) } : {}),
  });
}
