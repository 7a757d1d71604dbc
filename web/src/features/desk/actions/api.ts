import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, messageOf, ok } from '@/shared/api';
import { ME_KEY } from '../agent/api';

/** Actions on a contact I hold; every one refreshes my state and contacts. */
function useContactAction<V>(what: string, call: (v: V) => Promise<unknown>, done?: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => { if (done) notifications.show({ color: 'green', message: done }); },
    onError: (err) => notifications.show({ color: 'red', title: what, message: messageOf(err) }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: ME_KEY }), qc.invalidateQueries({ queryKey: ['contact'] }), qc.invalidateQueries({ queryKey: ['my-contacts'] })]),
  });
}

export function useCloseContact(contactId: string) {
  return useContactAction('Not closed', () => ok(api.POST('/api/v1/contacts/{id}/close', { params: { path: { id: contactId } }, body: {} })), 'Contact closed');
}
