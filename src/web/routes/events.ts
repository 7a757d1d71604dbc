import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WebSocket } from 'ws';
import type { Deps } from '../../app/deps.js';
import { sha256 } from '../../adapters/crypto/secrets.js';
import { sessionUser } from '../../storage/repositories/users.js';
import { currentUser, isSupervisor } from '../auth.js';
import { ApiError, errorBodySchema } from '../errors.js';

/**
 * Live agent events over a WebSocket: every 'events' bus message for this user (all
 * of them for supervisors and admins), pushed as it is published. No polling.
 * A ping every keepAliveMs; a socket that missed a pong, or whose session ended, is closed.
 */
export interface EventsOptions {
  keepAliveMs?: number;
}

const CLOSE_SESSION_ENDED = 4401;

export function eventRoutes(deps: Deps, opts: EventsOptions = {}): FastifyPluginAsyncZod {
  const keepAliveMs = opts.keepAliveMs ?? 30_000;
  return async (app) => {
    app.route({
      method: 'GET',
      url: '/api/v1/events',
      config: { queryToken: true },
      schema: {
        summary: 'Live events (WebSocket)', tags: ['events'],
        description: 'Upgrade to a WebSocket. Authenticate with the session cookie, an Authorization header or ?token=. '
          + 'The first message is {type:"hello", user:{id, role}}; then JSON events such as offer.created, offer.withdrawn, '
          + 'offer.accepted, contact.assigned, contact.closed, contact.requeued and agent.state. Supervisors and admins also get '
          + '{type:"monitor.changed", at, queues, agents, events} at most every second after changes (then read GET /api/v1/monitor).',
        querystring: z.object({ token: z.string().max(200).optional() }).strict(),
        response: { '4xx': errorBodySchema },
      },
      // A plain GET (no Upgrade header) gets an explanation instead of a socket.
      handler: async () => {
        throw new ApiError(426, 'events.upgrade_required', 'This is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket).');
      },
      wsHandler: (socket: WebSocket, request) => {
        const user = currentUser(request);
        const token = request.sessionToken;
        const seesAll = isSupervisor(user);
        const log = request.log.child({ ws: 'events', userId: user.id });

        const unsubscribe = deps.bus.subscribe('events', (payload) => {
          if (socket.readyState !== socket.OPEN || !payload || typeof payload !== 'object') return;
          const agentId = (payload as { agentId?: unknown }).agentId;
          if (!seesAll && agentId !== user.id) return;
          socket.send(JSON.stringify(payload), (err) => { if (err) log.debug({ err }, 'event not delivered'); });
        });

        let alive = true;
        socket.on('pong', () => { alive = true; });
        const keepAlive = setInterval(() => {
          if (!alive) { socket.terminate(); return; }
          alive = false;
          socket.ping();
          if (!token) return;
          sessionUser(deps.storage.db, sha256(token), deps.clock()).then((still) => {
            if (!still) socket.close(CLOSE_SESSION_ENDED, 'session ended');
          }, (err: unknown) => log.warn({ err }, 'session re-check failed'));
        }, keepAliveMs);
        keepAlive.unref();

        // Supervisors also get the coalesced monitor.changed (see web/monitor/feed.ts).
        const stopMonitor = seesAll
          ? app.monitorFeed.listen((m) => { if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m), (err) => { if (err) log.debug({ err }, 'monitor update not delivered'); }); })
          : () => undefined;
        const cleanup = () => { clearInterval(keepAlive); unsubscribe(); stopMonitor(); };
        socket.on('close', cleanup);
        socket.on('error', (err) => { log.debug({ err }, 'socket error'); cleanup(); });
        socket.on('message', () => { /* clients only listen; commands go through the REST API */ });

        socket.send(JSON.stringify({ type: 'hello', user: { id: user.id, role: user.role } }));
      },
    });
  };
}
