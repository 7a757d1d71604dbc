import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import type { AcdEvent, AcdState } from '../../core/acd/types.js';
import { submitAcdEvent } from '../../roles/acd/engine.js';
import { listContacts, toContactSummary } from '../../storage/repositories/contacts.js';
import { agentSettingsView, queueMonitor, upsertAgentSettings } from '../../storage/repositories/routing.js';
import { withNames } from '../../storage/repositories/desk.js';
import { loadRoutingConfig, wrapUpToDb } from '../../storage/repositories/routing-config.js';
import { agentDef, minLevel, queueDef, UNLIMITED } from '../../core/acd/indexes.js';
import { currentUser, requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { acdEffectsSchema, contactSummarySchema, idParams } from '../schemas.js';
import { explainRejection, runForAgent } from './acd-errors.js';
import { agentSettingsBody, agentSettingsView as agentSettingsSchema } from './routing-schemas.js';

/**
 * Agents' and supervisors' queue-engine actions beyond accept/decline/close: wrap-up, transfer,
 * waiting lists; supervisor moves, priorities, forced states and queues, monitoring; agent settings.
 */
const target = z.union([
  z.object({ queueId: z.string().min(1) }).strict(),
  z.object({ agentId: z.string().min(1).describe("A colleague: the contact waits in that agent's personal queue") }).strict(),
]);

/** The eligibility the queue engine applies when an agent picks: the queue's requirement (with its relaxation levels), area and forced queues. */
async function mayServe(db: Deps['storage']['db'], queueId: string, agentId: string): Promise<boolean> {
  const state = { config: await loadRoutingConfig(db), agents: {} } as unknown as AcdState;
  return minLevel(queueDef(state, queueId), agentDef(state, agentId)) !== UNLIMITED;
}

export function supervisorRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;
    const sup = requireRole('admin', 'supervisor');
    const admin = requireRole('admin');
    const response = { 200: acdEffectsSchema, '4xx': errorBodySchema };
    /** Agent changes made outside the queue engine are recorded in the same event log. */
    const logAgentEvent = (type: string, agentId: string, data: Record<string, unknown>) =>
      db.insertInto('events').values({ at: deps.clock(), type, contact_id: null, agent_id: agentId, data: JSON.stringify({ type, agentId, ...data }) }).execute();
    const run = async (event: AcdEvent, subject: { contactId?: string } = {}) => {
      const outcome = await submitAcdEvent(deps, event);
      if (!outcome.ok) throw await explainRejection(deps, outcome, subject);
      return { effects: outcome.effects };
    };

    // Agent actions
    app.post('/api/v1/agents/me/wrap-up', {
      schema: {
        summary: 'End or extend my wrap-up', tags: ['agents'], response,
        body: z.object({ action: z.enum(['end', 'extend']), seconds: z.number().int().min(1).max(86_400).optional().describe('extend: seconds to add; omitted = unlimited') }).strict(),
      },
    }, async (request) => runForAgent(deps, { type: 'agent.wrapUp', agentId: currentUser(request).id, action: request.body.action, seconds: request.body.seconds }, currentUser(request).id, {}));

    app.post('/api/v1/contacts/:id/transfer', {
      schema: {
        summary: 'Requeue or transfer a contact assigned to me', tags: ['contacts'], params: idParams, body: target, response,
        description: "To a queue or a colleague's personal queue (GET /api/v1/transfer-targets lists them); the contact keeps its queue time and I become paused (reason 'requeue', no wrap-up). A parked contact may be transferred too.",
      },
    }, async (request) => runForAgent(deps, { type: 'contact.transfer', contactId: request.params.id, agentId: currentUser(request).id, to: request.body }, currentUser(request).id, { contactId: request.params.id }));

    app.get('/api/v1/agents/me/personal-queue', {
      schema: {
        summary: 'Contacts waiting in my personal queue', tags: ['agents'],
        description: 'Follow-ups waiting for me, transfers from colleagues and personal routing destinations; offered to me first when I am ready.',
        response: { 200: z.object({ contacts: z.array(contactSummarySchema) }), '4xx': errorBodySchema },
      },
    }, async (request) => {
      const rows = await db.selectFrom('contacts').selectAll().where('personal_agent_id', '=', currentUser(request).id).where('status', '=', 'queued')
        .orderBy('queued_at').limit(500).execute();
      return { contacts: await withNames(db, rows.map(toContactSummary)) };
    });

    app.get('/api/v1/waiting-lists/:id/contacts', {
      schema: { summary: 'Contacts waiting in a waiting list', tags: ['waiting-lists'], params: idParams, response: { 200: z.object({ contacts: z.array(contactSummarySchema) }), '4xx': errorBodySchema } },
    }, async (request) => {
      const q = await db.selectFrom('queues').select(['kind']).where('id', '=', request.params.id).executeTakeFirst();
      if (!q) throw notFound('queue', request.params.id);
      if (q.kind !== 'waiting-list') throw new ApiError(409, 'queue.not_waiting_list', `queue '${request.params.id}' is pushed by the engine, not picked`);
      const user = currentUser(request);
      // Subjects and customer addresses only for those who may pick from the list.
      if (user.role === 'agent' && !(await mayServe(db, request.params.id, user.id))) {
        throw new ApiError(403, 'agent.not_eligible', `you do not meet the requirement of waiting list '${request.params.id}'`);
      }
      return { contacts: await withNames(db, (await listContacts(db, { queueId: request.params.id, status: 'queued', limit: 500 })).map(toContactSummary)) };
    });

    app.post('/api/v1/waiting-lists/:id/pick/:contactId', {
      schema: { summary: 'Pick a contact from a waiting list', tags: ['waiting-lists'], params: z.object({ id: z.string().min(1).max(200), contactId: z.string().min(1).max(200) }), response },
    }, async (request) => runForAgent(deps, { type: 'contact.pick', queueId: request.params.id, contactId: request.params.contactId, agentId: currentUser(request).id }, currentUser(request).id, { contactId: request.params.contactId }));

    // Supervisor actions
    app.post('/api/v1/supervisor/contacts/:id/move', {
      preHandler: sup, schema: { summary: 'Move a waiting or offered contact to a queue or a personal queue', tags: ['supervisor'], params: idParams, body: target, response },
    }, async (request) => run({ type: 'contact.move', contactId: request.params.id, to: request.body }, { contactId: request.params.id }));

    app.put('/api/v1/supervisor/contacts/:id/priority', {
      preHandler: sup, schema: { summary: "Change a contact's priority", tags: ['supervisor'], params: idParams, body: z.object({ priority: z.number().int().min(0).max(9) }).strict(), response },
    }, async (request) => run({ type: 'contact.setPriority', contactId: request.params.id, priority: request.body.priority }, { contactId: request.params.id }));

    app.put('/api/v1/supervisor/agents/:id/state', {
      preHandler: sup,
      schema: {
        summary: "Force an agent's state", tags: ['supervisor'], params: idParams, response,
        body: z.object({ state: z.enum(['ready', 'paused', 'logged_out']), reason: z.string().trim().min(1).max(200).optional() }).strict(),
      },
    }, async (request) => run({ type: 'agent.setState', agentId: request.params.id, state: request.body.state, reason: request.body.reason ?? null, force: true }));

    app.put('/api/v1/supervisor/agents/:id/forced-queues', {
      preHandler: sup,
      schema: {
        summary: 'Log an agent into queues regardless of skills (emergency)', tags: ['supervisor'], params: idParams, response: { 200: agentSettingsSchema, '4xx': errorBodySchema },
        body: z.object({ queueIds: z.array(z.string().min(1)).max(500) }).strict(),
      },
    }, async (request) => {
      if (!(await agentSettingsView(db, request.params.id))) throw notFound('agent', request.params.id);
      const known = new Set((await db.selectFrom('queues').select('id').execute()).map((q) => q.id));
      const unknown = request.body.queueIds.filter((id) => !known.has(id));
      if (unknown.length) throw new ApiError(400, 'queue.unknown', 'unknown queues', unknown.map((id) => ({ path: 'body.queueIds', message: `no queue with id '${id}'` })));
      await upsertAgentSettings(db, request.params.id, { forced_queue_ids: JSON.stringify([...new Set(request.body.queueIds)]) });
      await logAgentEvent('agent.forcedQueues', request.params.id, { queueIds: request.body.queueIds, by: currentUser(request).id });
      await deps.bus.publish('config', { scope: 'routing' });
      await run({ type: 'tick' });
      return (await agentSettingsView(db, request.params.id))!;
    });

    app.get('/api/v1/supervisor/queues', {
      preHandler: sup,
      schema: {
        summary: 'Queue monitor: waiting, offered, assigned, longest wait, service levels over the window', tags: ['supervisor'],
        querystring: z.object({ windowMinutes: z.coerce.number().int().min(1).max(525_600).default(1440) }),
        response: {
          200: z.object({ queues: z.array(z.object({
            id: z.string(), name: z.string(), areaId: z.string(), kind: z.string(), waiting: z.number(), offered: z.number(), assigned: z.number(), longestWaitSeconds: z.number(),
            established: z.number(), sl1Minutes: z.number(), sl2Minutes: z.number(), sl1Achieved: z.number().nullable(), sl2Achieved: z.number().nullable(),
          })) }),
          '4xx': errorBodySchema,
        },
      },
    }, async (request) => ({ queues: await queueMonitor(db, deps.clock(), request.query.windowMinutes * 60_000) }));

    app.get('/api/v1/contacts/:id/events', {
      preHandler: sup,
      schema: {
        summary: "A contact's event history (routing, offers, assignment, end)", tags: ['supervisor'], params: idParams,
        response: { 200: z.object({ events: z.array(z.object({ id: z.number(), at: z.string(), type: z.string(), agentId: z.string().nullable(), data: z.record(z.string(), z.unknown()) })) }), '4xx': errorBodySchema },
      },
    }, async (request) => {
      const rows = await db.selectFrom('events').selectAll().where('contact_id', '=', request.params.id).orderBy('id').execute();
      if (rows.length === 0 && !(await db.selectFrom('contacts').select('id').where('id', '=', request.params.id).executeTakeFirst())) throw notFound('contact', request.params.id);
      return { events: rows.map((r) => ({ id: Number(r.id), at: new Date(r.at).toISOString(), type: r.type, agentId: r.agent_id, data: JSON.parse(r.data) as Record<string, unknown> })) };
    });

    // Agent settings (admin)
    app.get('/api/v1/routing/agents/:id', { preHandler: sup, schema: { summary: "An agent's routing settings", tags: ['routing'], params: idParams, response: { 200: agentSettingsSchema, '4xx': errorBodySchema } } }, async (request) => {
      const v = await agentSettingsView(db, request.params.id);
      if (!v) throw notFound('agent', request.params.id);
      return v;
    });
    app.put('/api/v1/routing/agents/:id', {
      preHandler: admin, schema: { summary: "Set an agent's area, skills, groups, capacity, auto-accept and wrap-up", tags: ['routing'], params: idParams, body: agentSettingsBody, response: { 200: agentSettingsSchema, '4xx': errorBodySchema } },
    }, async (request) => {
      const b = request.body;
      const id = request.params.id;
      if (!(await agentSettingsView(db, id))) throw notFound('agent', id);
      if (b.areaId && !(await db.selectFrom('areas').select('id').where('id', '=', b.areaId).executeTakeFirst())) throw notFound('area', b.areaId);
      if (b.skills !== undefined || b.capacity !== undefined) {
        await db.updateTable('users').set({ ...(b.skills ? { skills: JSON.stringify(b.skills) } : {}), ...(b.capacity ? { capacity: b.capacity } : {}), updated_at: deps.clock() }).where('id', '=', id).execute();
      }
      await upsertAgentSettings(db, id, {
        ...(b.areaId ? { area_id: b.areaId } : {}), ...(b.groups ? { groups: JSON.stringify(b.groups) } : {}),
        ...(b.autoAccept !== undefined ? { auto_accept: b.autoAccept ? 1 : 0 } : {}), ...(b.wrapUp !== undefined ? { wrap_up_seconds: wrapUpToDb(b.wrapUp) } : {}),
      });
      await logAgentEvent('agent.settingsChanged', id, { ...b, by: currentUser(request).id });
      await deps.bus.publish('config', { scope: 'routing' });
      if (b.skills !== undefined || b.capacity !== undefined) await deps.bus.publish('config', { scope: 'users', userId: id }); // the user row changed
      await run({ type: 'tick' });
      return (await agentSettingsView(db, id))!;
    });
  };
}
