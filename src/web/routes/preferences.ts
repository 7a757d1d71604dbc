import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { imageSenders, setImageSender } from '../../storage/repositories/preferences.js';
import { currentUser } from '../auth.js';
import { errorBodySchema } from '../errors.js';

/** The signed-in user's own reading preferences (any role: everyone reads mail as themselves). */
const sendersView = z.object({ senders: z.array(z.string()).describe('Sender addresses (lower case) whose remote images I always see') });

export function preferenceRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;

    app.get('/api/v1/agents/me/image-senders', {
      schema: {
        summary: 'Senders whose remote images I always see', tags: ['agents'],
        description: 'Kept on the server per user, so the choice follows me to another device. Other mail keeps remote content blocked until "show images".',
        response: { 200: sendersView, '4xx': errorBodySchema },
      },
    }, async (request) => ({ senders: await imageSenders(db, currentUser(request).id) }));

    app.put('/api/v1/agents/me/image-senders', {
      schema: {
        summary: 'Always (or no longer) show remote images from a sender', tags: ['agents'],
        body: z.object({
          // eslint-disable-next-line no-control-regex
          sender: z.string().trim().min(3).max(320).regex(/^[^\s\u0000-\u001f<>]+@[^\s\u0000-\u001f<>]+$/, 'an email address').describe('The sender address'),
          always: z.boolean().describe('true: always show; false: block again until "show images"'),
        }).strict(),
        response: { 200: sendersView, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const me = currentUser(request);
      await setImageSender(db, me.id, request.body.sender, request.body.always, deps.clock());
      return { senders: await imageSenders(db, me.id) };
    });
  };
}
