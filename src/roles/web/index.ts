import type { FastifyInstance } from 'fastify';
import type { Deps, StopRole } from '../../app/deps.js';
import { buildApp, type WebAppOptions } from '../../web/app.js';
import { purgeExpiredSessions } from '../../storage/repositories/users.js';

/**
 * The web role: the HTTP API, the event WebSocket and the docs. Stateless; any number
 * of web instances may run against one database (events arrive through the bus).
 */
export function buildWebApp(deps: Deps, opts: WebAppOptions = {}): Promise<FastifyInstance> {
  return buildApp(deps, opts);
}

/** Expired sessions are deleted at start and then every SESSION_PURGE_MS. */
export const SESSION_PURGE_MS = 10 * 60_000;

export function startSessionPurge(deps: Deps, everyMs = SESSION_PURGE_MS): () => void {
  const purge = () => {
    purgeExpiredSessions(deps.storage.db, deps.clock()).then(
      (n) => { if (n > 0) deps.logger.info({ role: 'web', purged: n }, 'expired sessions deleted'); },
      (err: unknown) => deps.logger.warn({ role: 'web', err }, 'deleting expired sessions failed; will try again'),
    );
  };
  purge();
  const timer = setInterval(purge, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export async function startWeb(deps: Deps): Promise<StopRole> {
  const app = await buildApp(deps);
  const stopPurge = startSessionPurge(deps);
  const { host, port } = deps.config.http;
  const address = await app.listen({ host, port });
  deps.logger.info({ role: 'web', url: address }, `web: listening on ${address} (API docs at ${address}/api/docs)`);
  return async () => {
    stopPurge();
    await app.close();
    deps.logger.info({ role: 'web' }, 'web stopped');
  };
}
