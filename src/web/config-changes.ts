import type { FastifyInstance } from 'fastify';
import type { Deps } from '../app/deps.js';
import { announceConfigChange, type ConfigScope } from '../storage/config-cache.js';

/**
 * For a plugin of configuration routes: every successful change (POST, PUT, PATCH, DELETE) is
 * announced to every process before the response leaves, so the caller's next request, mail or
 * decision anywhere uses the new configuration.
 */
export function announceChanges(app: FastifyInstance, deps: Deps, scope: ConfigScope): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) await announceConfigChange(deps.bus, scope);
    return payload;
  });
}
