import type { FastifyInstance } from 'fastify';
import type { Deps, StopRole } from '../../app/deps.js';
import { buildApp, type WebAppOptions } from '../../web/app.js';

/**
 * The web role: the HTTP API, the event WebSocket and the docs. Stateless; any number
 * of web instances may run against one database (events arrive through the bus).
 */
export function buildWebApp(deps: Deps, opts: WebAppOptions = {}): Promise<FastifyInstance> {
  return buildApp(deps, opts);
}

export async function startWeb(deps: Deps): Promise<StopRole> {
  const app = await buildApp(deps);
  const { host, port } = deps.config.http;
  const address = await app.listen({ host, port });
  deps.logger.info({ role: 'web', url: address }, `web: listening on ${address} (API docs at ${address}/api/docs)`);
  return async () => {
    await app.close();
    deps.logger.info({ role: 'web' }, 'web stopped');
  };
}
