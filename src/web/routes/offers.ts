import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../app/deps.js';
import type { AcdEvent } from '../../core/acd/types.js';
import { submitAcdEvent } from '../../roles/acd/engine.js';
import { currentUser } from '../auth.js';
import { errorBodySchema } from '../errors.js';
import { acdEffectsSchema, idParams } from '../schemas.js';
import { explainRejection } from './acd-errors.js';

/** The agent's commands on offered and assigned work: accept, decline, close. */
export function offerRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const run = async (event: AcdEvent, subject: { offerId?: string; contactId?: string }) => {
      const outcome = await submitAcdEvent(deps, event);
      if (!outcome.ok) throw await explainRejection(deps, outcome, subject);
      return { effects: outcome.effects };
    };
    const response = { 200: acdEffectsSchema, '4xx': errorBodySchema };

    app.post('/api/v1/offers/:id/accept', {
      schema: {
        summary: 'Accept an offer made to me', tags: ['offers'],
        description: '404 offer.not_found if it never existed, 409 offer.not_open if it expired or was withdrawn, 403 if it is someone else\'s.',
        params: idParams, response,
      },
    }, async (request) => run({ type: 'offer.accept', offerId: request.params.id, agentId: currentUser(request).id }, { offerId: request.params.id }));

    app.post('/api/v1/offers/:id/decline', {
      schema: {
        summary: 'Decline an offer made to me', tags: ['offers'],
        description: 'The contact goes back to its queue and is not offered to me again.',
        params: idParams, response,
      },
    }, async (request) => run({ type: 'offer.decline', offerId: request.params.id, agentId: currentUser(request).id }, { offerId: request.params.id }));

    app.post('/api/v1/contacts/:id/close', {
      schema: { summary: 'Close (end) a contact assigned to me', tags: ['contacts'], params: idParams, response },
    }, async (request) => run({ type: 'contact.close', contactId: request.params.id, agentId: currentUser(request).id }, { contactId: request.params.id }));
  };
}
