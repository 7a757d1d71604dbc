import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, messageOf, ok } from '@/shared/api';
import { ME_KEY } from '../agent/api';

export function useWaitingList(id: string | null) {
  return useQuery({
    queryKey: ['waiting-list', id], enabled: !!id,
    queryFn: async () => (await ok(api.GET('/api/v1/waiting-lists/{id}/contacts', { params: { path: { id: id! } } }))).contacts,
  });
}

export function usePick(listId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (contactId: string) => ok(api.POST('/api/v1/waiting-lists/{id}/pick/{contactId}', { params: { path: { id: listId, contactId } } })),
    onError: (err) => notifications.show({ color: 'red', title: 'Not picked', message: messageOf(err) }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: ME_KEY }), qc.invalidateQueries({ queryKey: ['waiting-list', listId] })]),
  });
}
