import type { Deps } from '../../app/deps.js';
import { ownEffects } from '../../core/acd/effects.js';
import type { AcdEffect, AcdEvent, AcdRejection } from '../../core/acd/types.js';
import { submitAcdEvent } from '../../roles/acd/engine.js';
import { ApiError } from '../errors.js';

/** Queue-engine rejections as HTTP errors: 403 for someone else's work, 404 unknown, 409 wrong state. */
const STATUS: Record<AcdRejection['code'], [number, string]> = {
  'offer.unknown': [404, 'offer.not_found'],
  'offer.not_yours': [403, 'offer.forbidden'],
  'contact.unknown': [404, 'contact.not_found'],
  'contact.not_yours': [403, 'contact.forbidden'],
  'contact.not_assigned': [409, 'contact.not_assigned'],
  'contact.not_queued': [409, 'contact.not_queued'],
  'agent.unknown': [409, 'agent.unknown'],
  'queue.unknown': [404, 'queue.not_found'],
  'agent.not_in_wrap_up': [409, 'agent.not_in_wrap_up'],
  'contact.not_in_list': [409, 'contact.not_in_list'],
  'agent.no_capacity': [409, 'agent.no_capacity'],
  'agent.not_eligible': [403, 'agent.not_eligible'],
  'agent.pause_reason_unknown': [400, 'agent.pause_reason_unknown'],
  'contact.park_limit': [409, 'contact.park_limit'],
  'contact.parked': [409, 'contact.parked'],
  'contact.not_parked': [409, 'contact.not_parked'],
  'contact.wrap_up_code_required': [422, 'contact.wrap_up_code_required'],
  'contact.wrap_up_code_unknown': [422, 'contact.wrap_up_code_unknown'],
};

export function rejectionToError(r: AcdRejection): ApiError {
  const [status, code] = STATUS[r.code] ?? [409, r.code];
  return new ApiError(status, code, r.message);
}

/**
 * The engine only knows open offers and open contacts, so 'unknown' may mean
 * "never existed" (404) or "no longer open" (409): the database tells which.
 */
export async function explainRejection(deps: Deps, r: AcdRejection, subject: { offerId?: string; contactId?: string }): Promise<ApiError> {
  const db = deps.storage.db;
  if (r.code === 'offer.unknown' && subject.offerId) {
    const offer = await db.selectFrom('offers').select(['status']).where('id', '=', subject.offerId).executeTakeFirst();
    if (!offer) return new ApiError(404, 'offer.not_found', `no offer with id '${subject.offerId}'`);
    const why = offer.status === 'open' ? 'it has expired' : `it was ${offer.status}`;
    return new ApiError(409, 'offer.not_open', `offer '${subject.offerId}' is no longer open (${why})`);
  }
  if (r.code === 'contact.unknown' && subject.contactId) {
    const contact = await db.selectFrom('contacts').select(['status']).where('id', '=', subject.contactId).executeTakeFirst();
    if (!contact) return new ApiError(404, 'contact.not_found', `no contact with id '${subject.contactId}'`);
    return new ApiError(409, 'contact.not_assigned', `contact '${subject.contactId}' is ${contact.status}, not assigned to you`);
  }
  return rejectionToError(r);
}

/**
 * Runs an agent's command through the queue engine and answers with that agent's own
 * effects only (offers to colleagues and their states stay out of the response).
 */
export async function runForAgent(deps: Deps, event: AcdEvent, agentId: string, subject: { offerId?: string; contactId?: string }): Promise<{ effects: AcdEffect[] }> {
  const outcome = await submitAcdEvent(deps, event);
  if (!outcome.ok) throw await explainRejection(deps, outcome, subject);
  return { effects: ownEffects(outcome.effects, agentId, subject.contactId ? [subject.contactId] : []) };
}
