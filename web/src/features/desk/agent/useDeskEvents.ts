import { useQueryClient } from '@tanstack/react-query';
import type { Agent } from '@/shared/api';
import { useLiveEvents, type LiveEvent } from '@/shared/events/context';
import { notifications } from '@mantine/notifications';
import { ME_KEY } from './api';

type Offer = Agent['offers'][number];

/**
 * Keeps the desk's server state current from the live events: an offer is shown the moment
 * its event arrives (patched into the cached agent view), everything else is refetched.
 */
export function useDeskEvents(onOffer?: (offer: Offer) => void): void {
  const qc = useQueryClient();
  useLiveEvents((e: LiveEvent) => {
    const offer = e.offer as Offer | undefined;
    if (e.type === 'offer.created' && offer) {
      qc.setQueryData<Agent>(ME_KEY, (me) => (me && !me.offers.some((o) => o.id === offer.id) ? { ...me, offers: [...me.offers, offer] } : me));
      onOffer?.(offer);
    }
    if ((e.type === 'offer.withdrawn' || e.type === 'offer.accepted') && offer) {
      qc.setQueryData<Agent>(ME_KEY, (me) => (me ? { ...me, offers: me.offers.filter((o) => o.id !== offer.id) } : me));
    }
    if (e.type === 'contact.park_reminder') notifications.show({ color: 'blue', title: 'Reminder', message: 'A parked contact is due: see Parked in My contacts.', autoClose: false });
    const contactId = typeof e.contactId === 'string' ? e.contactId : offer?.contactId;
    if (contactId && e.type.startsWith('contact.')) void qc.invalidateQueries({ queryKey: ['contact', contactId] });
    if (e.type !== 'offer.created') void qc.invalidateQueries({ queryKey: ME_KEY });
    if (e.type === 'contact.closed') void qc.invalidateQueries({ queryKey: ['my-day'] });
  });
}
