import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useNavigate } from 'react-router';
import { api, messageOf, ok, type Agent } from '@/shared/api';
import { useShortcut } from '@/shared/shortcuts/registry';
import { ME_KEY } from '../agent/api';

type Offer = Agent['offers'][number];

/** Accept / decline the current offer; F10 (as in the reference system) or Alt+A accepts, Alt+D declines. */
export function useOfferActions(offer: Offer | undefined) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const drop = (id: string) => qc.setQueryData<Agent>(ME_KEY, (me) => (me ? { ...me, offers: me.offers.filter((o) => o.id !== id) } : me));

  const accept = useMutation({
    mutationFn: (o: Offer) => ok(api.POST('/api/v1/offers/{id}/accept', { params: { path: { id: o.id } } })),
    onSuccess: (_r, o) => { drop(o.id); void navigate(`/desk/contacts/${o.contactId}`); },
    onError: (err, o) => { drop(o.id); notifications.show({ color: 'red', title: 'Not accepted', message: messageOf(err) }); },
    onSettled: () => qc.invalidateQueries({ queryKey: ME_KEY }),
  });
  const decline = useMutation({
    mutationFn: (o: Offer) => ok(api.POST('/api/v1/offers/{id}/decline', { params: { path: { id: o.id } } })),
    onSettled: (_r, _e, o) => { drop(o.id); void qc.invalidateQueries({ queryKey: ME_KEY }); },
  });
  const busy = accept.isPending || decline.isPending;
  const doAccept = () => { if (offer && !busy) accept.mutate(offer); };
  const doDecline = () => { if (offer && !busy) decline.mutate(offer); };
  useShortcut({ keys: ['F10', 'Alt+A'], label: 'Accept the offer', group: 'Offers' }, doAccept, !!offer);
  useShortcut({ keys: ['Alt+D'], label: 'Decline the offer', group: 'Offers' }, doDecline, !!offer);
  return { accept: doAccept, decline: doDecline, accepting: accept.isPending, declining: decline.isPending, busy };
}

export type OfferActions = ReturnType<typeof useOfferActions>;
