import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../app/deps.js';
import { ApiError } from './errors.js';

/**
 * Cross-site request forgery: a browser sends the session cookie with requests that another
 * site's page makes. State-changing requests (POST, PUT, PATCH, DELETE) and WebSocket upgrades
 * that authenticated with the cookie must therefore come from our own origin: an Origin header
 * equal to the server's (scheme + host + port of the request, as seen through a trusted proxy,
 * or SWITCHYARD_PUBLIC_URL), or the header X-Switchyard-Client: web (a page of another origin
 * cannot set it without a CORS preflight, which this server never grants). Bearer-token and
 * ?token= clients hold the token themselves and are not affected.
 */
export const CLIENT_HEADER = 'x-switchyard-client';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const originOf = (url: string): string | null => {
  try { return new URL(url).origin; } catch { return null; }
};

/** The origins this request may come from: its own (protocol + Host) and the configured public URL. */
export function ownOrigins(request: Pick<FastifyRequest, 'protocol' | 'host'>, publicOrigin: string | null): string[] {
  const own = request.host ? originOf(`${request.protocol}://${request.host}`) : null;
  return [own, publicOrigin].filter((o): o is string => !!o);
}

export function originAllowed(request: FastifyRequest, publicOrigin: string | null): boolean {
  if (request.headers[CLIENT_HEADER] === 'web') return true;
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  const o = originOf(origin);
  return o !== null && ownOrigins(request, publicOrigin).includes(o);
}

export function installOriginCheck(app: FastifyInstance, deps: Deps): void {
  app.addHook('onRequest', async (request) => {
    if (request.sessionVia !== 'cookie') return;
    const upgrade = String(request.headers.upgrade ?? '').toLowerCase() === 'websocket';
    if (!upgrade && !WRITES.has(request.method)) return;
    if (originAllowed(request, deps.config.http.publicOrigin)) return;
    throw new ApiError(403, 'csrf.origin', `This ${upgrade ? 'WebSocket' : request.method} request used the session cookie but did not come from this server's own page `
      + `(its Origin header must be this server's origin, or send the header "X-Switchyard-Client: web"). Scripts should use "Authorization: Bearer <token>".`);
  });
}
