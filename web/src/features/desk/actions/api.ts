import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, messageOf, ok } from '@/shared/api';
import { ME_KEY } from '../agent/api';

/** Actions on a contact I hold; every one refreshes my state and contacts. */
function useContactAction<V>(what: string, call: (v: V) => Promise<unknown>, done: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => notifications.show({ color: 'teal', message: done }),
    onError: (err) => notifications.show({ color: 'red', title: what, message: messageOf(err) }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: ME_KEY }), qc.invalidateQueries({ queryKey: ['contact'] })]),
  });
}

const path = (id: string) => ({ params: { path: { id } } });

export function useCloseContact(id: string) {
  return useContactAction('Not closed', (wrapUpCode: string | undefined) =>
    ok(api.POST('/api/v1/contacts/{id}/close', { ...path(id), body: wrapUpCode ? { wrapUpCode } : {} })), 'Contact closed');
}

export function useCloseUnhandled(id: string) {
  return useContactAction('Not closed', (reason: string) => ok(api.POST('/api/v1/contacts/{id}/close-unhandled', { ...path(id), body: { reason } })), 'Closed unhandled');
}

export function usePark(id: string) {
  return useContactAction('Not parked', (remindAt: string | undefined) =>
    ok(api.POST('/api/v1/contacts/{id}/park', { ...path(id), body: remindAt ? { remindAt } : {} })), 'Contact parked');
}

export function useUnpark(id: string) {
  return useContactAction('Not taken back', () => ok(api.POST('/api/v1/contacts/{id}/unpark', path(id))), 'Contact taken back');
}

export type TransferTarget = { queueId: string } | { agentId: string };

export function useTransfer(id: string) {
  return useContactAction('Not transferred', (to: TransferTarget) => ok(api.POST('/api/v1/contacts/{id}/transfer', { ...path(id), body: to })), 'Contact transferred');
}

export function useTransferTargets(enabled: boolean) {
  return useQuery({ queryKey: ['transfer-targets'], enabled, queryFn: () => ok(api.GET('/api/v1/transfer-targets')) });
}
