import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../app/deps.js';
import type { AcdEvent } from '../../core/acd/types.js';
import { z } from 'zod';
import { currentUser } from '../auth.js';
import { errorBodySchema } from '../errors.js';
import { acdEffectsSchema, idParams } from '../schemas.js';
import { runForAgent } from './acd-errors.js';

const closeBody = z.object({ wrapUpCode: z.string().trim().min(1).max(100).optional().describe("One of the task type's wrapUpCodes") }).strict();

/** The agent's commands on offered and assigned work: accept, decline, close. Responses carry only the agent's own effects. */
export function offerRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const run = (event: AcdEvent & { agentId: string }, subject: { offerId?: string; contactId?: string }) => runForAgent(deps, event, event.agentId, subject);
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
      schema: {
        summary: 'Close (end) a contact assigned to me', tags: ['contacts'], params: idParams, body: closeBody.nullish(), response,
        description: 'With a wrap-up code of the contact\'s task type: required when the task type has codes (422 contact.wrap_up_code_required), '
          + 'and it must be one of them (422 contact.wrap_up_code_unknown). Stored on the contact and in the contact.closed event. A parked contact may be closed too.',
      },
    }, async (request) => run({ type: 'contact.close', contactId: request.params.id, agentId: currentUser(request).id, wrapUpCode: request.body?.wrapUpCode ?? null }, { contactId: request.params.id }));
  };
}
