import type { Agent } from '@/shared/api';
import { notifyOffer, playOfferTone, type AlertPrefs } from './alerts';

/** A new offer: a tone and a browser notification when the agent asked for them. */
export function announceOffer(_offer: Agent['offers'][number], prefs: AlertPrefs): void {
  if (prefs.sound) playOfferTone();
  if (prefs.notify) notifyOffer('A customer email is waiting for you in Switchyard');
}
