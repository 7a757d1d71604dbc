import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WebSocket } from 'ws';
import type { Deps } from '../../app/deps.js';
import { sha256 } from '../../adapters/crypto/secrets.js';
import { sessionUser } from '../../storage/repositories/users.js';
import { eventHub, type HubClient } from '../event-hub.js';
import { currentUser, isSupervisor } from '../auth.js';
import { ApiError, errorBodySchema } from '../errors.js';

/**
 * Live agent events over a WebSocket: every pushed event for this user (all of them for
 * supervisors and admins). Each carries `id`, its event-log id, increasing. A client that
 * reconnects with ?since=<last id> (or sends {type:"resume", since} first) is sent what it
 * missed from the event log, then the live stream, without gap or duplicate: the socket
 * sends events strictly in id order, and a bus message is only the hint to read the log
 * from the last id sent (so an event published late, or lost with a LISTEN connection,
 * is still sent in its place). A ping every keepAliveMs; a socket that missed a pong, or
 * whose session ended, is closed.
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
          + 'The first message is {type:"hello", user:{id, role}, lastEventId}; then JSON events {id, type, at, agentId, …} such as offer.created, '
          + 'offer.withdrawn, offer.accepted, contact.assigned, contact.closed, contact.parked, contact.unparked, contact.park_reminder, '
          + 'contact.requeued, agent.state and answer.state {answerId, contactId, state, reason?}, in increasing id order. Supervisors and admins also get {type:"monitor.changed", at, queues, agents, events} at most every second after changes (then read GET /api/v1/monitor). Reconnect with ?since=<the last id received> (or send '
          + '{type:"resume", since} as the first message) to receive what was missed first, exactly once.',
        querystring: z.object({
          token: z.string().max(200).optional(),
          since: z.coerce.number().int().min(0).optional().describe('Resume: first replay every event of mine with a greater id'),
        }).strict(),
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

        const since = (request.query as { since?: number }).since;
        // One subscription per process (the hub) sends this socket its events, each turned into text once.
        const hub = eventHub(deps, (err) => log.warn({ err }, 'event fan-out failed'));
        let sentAny = false;
        const client: HubClient = {
          agentId: seesAll ? null : user.id,
          lastSent: Number.MAX_SAFE_INTEGER, // nothing live until hello and the replay are sent
          isOpen: () => socket.readyState === socket.OPEN,
          send: (text) => { sentAny = true; socket.send(text, (err) => { if (err) log.debug({ err }, 'event not delivered'); }); },
        };
        const leave = hub.join(client);
        const unsubscribe = () => leave();

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
        // Clients only listen (commands go through the REST API), except a first {type:"resume", since}.
        socket.on('message', (data) => {
          let msg: { type?: unknown; since?: unknown };
          try { msg = JSON.parse(data.toString()) as typeof msg; } catch { return; }
          if (msg?.type !== 'resume' || typeof msg.since !== 'number' || !Number.isInteger(msg.since) || msg.since < 0) return;
          const resumeFrom = msg.since;
          void hub.run(async () => {
            if (sentAny) {
              socket.send(JSON.stringify({ type: 'error', code: 'events.resume_too_late', message: 'resume must come before any event; reconnect with ?since=' }));
              return;
            }
            client.lastSent = resumeFrom;
            await hub.replay(client);
          });
        });

        void hub.run(async () => {
          const last = await hub.lastEventId();
          socket.send(JSON.stringify({ type: 'hello', user: { id: user.id, role: user.role }, lastEventId: last }));
          client.lastSent = since ?? last;
          await hub.replay(client);
        });
      },
    });
  };
}
