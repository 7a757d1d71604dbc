import { useQuery } from '@tanstack/react-query';
import { api, ok } from '@/shared/api';

export const contactKey = (id: string) => ['contact', id] as const;

export function useContact(id: string | null) {
  return useQuery({
    queryKey: contactKey(id ?? ''),
    enabled: !!id,
    queryFn: () => ok(api.GET('/api/v1/contacts/{id}', { params: { path: { id: id! } } })),
  });
}
