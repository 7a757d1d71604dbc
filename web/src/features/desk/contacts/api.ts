import { useQuery } from '@tanstack/react-query';
import { api, ok } from '@/shared/api';

export const MY_CONTACTS_KEY = ['my-contacts'] as const;

/** The contacts this agent holds now. */
export function useMyContacts() {
  return useQuery({
    queryKey: [...MY_CONTACTS_KEY, 'active'],
    queryFn: async () => (await ok(api.GET('/api/v1/contacts', { params: { query: { status: 'assigned' } } }))).contacts,
  });
}
