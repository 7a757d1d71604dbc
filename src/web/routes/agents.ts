import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { submitAcdEvent } from '../../roles/acd/engine.js';
import { listContacts, toContactSummary } from '../../storage/repositories/contacts.js';
import { currentUser, requireRole } from '../auth.js';
import { ApiError, errorBodySchema } from '../errors.js';
import { agentViewSchema, contactSummarySchema, isoTime, isoTimeOrNull, offerViewSchema } from '../schemas.js';
import { servableQueues } from '../../core/acd/serve.js';
import { DEFAULT_MAX_PARKED } from '../../core/routing/model.js';
import { withNames } from '../../storage/repositories/desk.js';
import { cachedRoutingConfig } from '../../storage/repositories/routing-config.js';
import type { RoutingConfig } from '../../core/routing/model.js';
import { rejectionToError } from './acd-errors.js';

/** Agent state (Ready / Paused / logged out) and the agent's own work; the supervisors' agent list. */

const stateBody = z.object({
  state: z.enum(['ready', 'paused', 'logged_out']),
  reason: z.string().trim().min(1).max(200).optional().describe('Pause reason ("activity"), shown to supervisors'),
}).strict();

const myAgentView = agentViewSchema.extend({
  offers: z.array(offerViewSchema).describe('Open offers waiting for my accept or decline'),
  contacts: z.array(contactSummarySchema).describe('Contacts assigned to me, active and parked (see parked)'),
  wrapUpUntil: z.string().nullable().describe('End of wrap-up; null in wrap-up = until I end it'),
  pendingPause: z.object({ reason: z.string().nullable() }).nullable().describe('A pause that starts when my work (and wrap-up) ends'),
  inUse: z.number().describe('Capacity units in use: open offers and active (not parked) contacts ("inUse of capacity")'),
  parkedCount: z.number(), maxParked: z.number().describe("My area's maximum of parked contacts"),
  areaId: z.string(), pauseReasons: z.array(z.string()).describe("My area's pause reasons ('missed offer' is set by the engine)"),
  autoAccept: z.boolean(),
  email: z.string().nullable(), externalClient: z.boolean().describe('I read and answer in my own mail program (a copy is sent to email)'),
  waitingLists: z.array(z.object({ id: z.string(), name: z.string(), waiting: z.number() })).describe('Waiting lists I may pick from'),
}).describe('MyAgent');

export function agentRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;

    const agentRow = (userId?: string) => {
      let q = db.selectFrom('users').innerJoin('agent_states', 'agent_states.user_id', 'users.id')
        .select(['users.id', 'users.username', 'users.display_name', 'users.role', 'users.capacity', 'agent_states.state', 'agent_states.pause_reason', 'agent_states.state_since',
          'agent_states.wrap_up_until', 'agent_states.pending_pause', 'users.email'])
        .orderBy('users.username');
      if (userId) q = q.where('users.id', '=', userId);
      return q.execute();
    };
    type AgentRow = Awaited<ReturnType<typeof agentRow>>[number];
    const toAgentView = (r: AgentRow) => ({
      id: r.id, username: r.username, displayName: r.display_name, role: r.role, state: r.state,
      pauseReason: r.pause_reason, stateSince: isoTime(r.state_since), capacity: r.capacity,
    });

    const routing = cachedRoutingConfig(deps);
    /** Entrance and task-type names from the cached configuration; the database only for one it does not know. */
    const named = async (config: RoutingConfig, items: ReturnType<typeof toContactSummary>[]) => {
      const known = items.every((c) => config.entrances[c.entranceId] && (!c.taskTypeId || config.taskTypes[c.taskTypeId]));
      if (!known) return withNames(db, items);
      return items.map((c) => {
        const t = c.taskTypeId ? config.taskTypes[c.taskTypeId] : null;
        return { ...c, entranceName: config.entrances[c.entranceId].name, taskType: t ? { id: t.id, name: t.name, wrapUpCodes: t.wrapUpCodes ?? [] } : null };
      });
    };

    const myView = async (userId: string) => {
      // The configuration comes from this process's cache (dropped over the bus when it changes).
      const [[row], offers, contacts, config] = await Promise.all([
        agentRow(userId),
        db.selectFrom('offers').selectAll().where('agent_id', '=', userId).where('status', '=', 'open').orderBy('created_at').execute(),
        listContacts(db, { agentId: userId, status: 'assigned', limit: 500 }),
        routing.withAgent(userId),
      ]);
      if (!row) throw new ApiError(404, 'agent.not_found', 'You have no agent state; ask an administrator.');
      const def = config.agents[userId];
      const area = config.areas[def?.areaId ?? 'default'];
      const lists = servableQueues(config, userId).filter((q) => q.kind === 'waiting-list');
      // One aggregate over the contacts waiting in my waiting lists (none at all without lists).
      const waiting = lists.length
        ? await db.selectFrom('contacts').select(['queue_id', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'queued').where('personal_agent_id', 'is', null)
          .where('queue_id', 'in', lists.map((q) => q.id)).groupBy('queue_id').execute()
        : [];
      const parkedCount = contacts.filter((c) => c.parked === 1).length;
      return {
        ...toAgentView(row),
        offers: offers.map((o) => ({ id: o.id, contactId: o.contact_id, agentId: o.agent_id, createdAt: isoTime(o.created_at), expiresAt: isoTime(o.expires_at) })),
        contacts: await named(config, contacts.map(toContactSummary)),
        wrapUpUntil: isoTimeOrNull(row.wrap_up_until),
        pendingPause: row.pending_pause ? JSON.parse(row.pending_pause) as { reason: string | null } : null,
        inUse: offers.length + contacts.length - parkedCount,
        parkedCount, maxParked: area?.maxParked ?? DEFAULT_MAX_PARKED,
        areaId: def?.areaId ?? 'default', pauseReasons: area?.pauseReasons ?? [], autoAccept: def?.autoAccept ?? false,
        email: row.email, externalClient: !!row.email,
        waitingLists: lists.map((q) => ({ id: q.id, name: q.name, waiting: Number(waiting.find((w) => w.queue_id === q.id)?.n ?? 0) })),
      };
    };

    app.get('/api/v1/agents/me', {
      schema: { summary: 'My agent state, open offers and assigned contacts', tags: ['agents'], response: { 200: myAgentView, '4xx': errorBodySchema } },
    }, async (request) => myView(currentUser(request).id));

    app.put('/api/v1/agents/me/state', {
      schema: {
        summary: 'Set my agent state', tags: ['agents'],
        description: "Ready receives offers; paused and logged_out receive none. Any signed-in user may work as an agent.",
        body: stateBody, response: { 200: myAgentView, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const user = currentUser(request);
      const outcome = await submitAcdEvent(deps, { type: 'agent.setState', agentId: user.id, state: request.body.state, reason: request.body.reason ?? null });
      if (!outcome.ok) throw rejectionToError(outcome);
      return myView(user.id);
    });

    app.get('/api/v1/agents', {
      preHandler: requireRole('admin', 'supervisor'),
      schema: { summary: 'All agents with their state', tags: ['agents'], response: { 200: z.object({ agents: z.array(agentViewSchema) }), '4xx': errorBodySchema } },
    }, async () => ({ agents: (await agentRow()).map(toAgentView) }));
  };
}
