import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { servableQueues } from '../../core/acd/serve.js';
import { toContactSummary } from '../../storage/repositories/contacts.js';
import { dayFigures, isVisible, searchHistory, senderHistory, withNames, type Visibility } from '../../storage/repositories/desk.js';
import { cachedRoutingConfig } from '../../storage/repositories/routing-config.js';
import type { UserRow } from '../../storage/schema.js';
import { currentUser, isSupervisor } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { acdEffectsSchema, contactSummarySchema, idParams, isoTime } from '../schemas.js';
import { runForAgent } from './acd-errors.js';

/**
 * The agent desktop's actions and reads beyond accept/decline/close: park and un-park, close
 * unhandled, transfer targets, the customer history and the agent's day figures.
 */
const parkBody = z.object({
  remindAt: z.iso.datetime({ offset: true }).optional().describe('Remind me then (event contact.park_reminder on my event socket)'),
}).strict();

const historyView = z.object({ contacts: z.array(contactSummarySchema) });

/** Visibility of contacts in the history for this user: see desk.ts (repository) for the rule. */
export async function historyVisibility(deps: Deps, user: UserRow): Promise<Visibility> {
  if (isSupervisor(user)) return { all: true };
  const config = await cachedRoutingConfig(deps).withAgent(user.id);
  return { all: false, agentId: user.id, queueIds: servableQueues(config, user.id).map((q) => q.id) };
}

/** Midnight to midnight of the server's local day containing `now`. */
export function localDay(now: number): { from: number; to: number; date: string } {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  const end = new Date(start);
  end.setDate(end.getDate() + 1);
  const p = (n: number) => String(n).padStart(2, '0');
  return { from: start.getTime(), to: end.getTime(), date: `${start.getFullYear()}-${p(start.getMonth() + 1)}-${p(start.getDate())}` };
}

export function deskRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;
    const response = { 200: acdEffectsSchema, '4xx': errorBodySchema };

    app.post('/api/v1/contacts/:id/park', {
      schema: {
        summary: 'Park a contact assigned to me', tags: ['contacts'], params: idParams, body: parkBody.nullish(), response,
        description: "It stays mine but frees its capacity unit, so I may be offered more. At most the area's maxParked "
          + '(409 contact.park_limit). With remindAt, the event contact.park_reminder is pushed to me at that time (it survives a restart).',
      },
    }, async (request) => {
      const user = currentUser(request);
      const remindAt = request.body?.remindAt ? Date.parse(request.body.remindAt) : null;
      return runForAgent(deps, { type: 'contact.park', contactId: request.params.id, agentId: user.id, remindAt }, user.id, { contactId: request.params.id });
    });

    app.post('/api/v1/contacts/:id/unpark', {
      schema: {
        summary: 'Take a parked contact of mine back up', tags: ['contacts'], params: idParams, response,
        description: 'Needs a free capacity unit (409 agent.no_capacity); 409 contact.not_parked when it is not parked.',
      },
    }, async (request) => {
      const user = currentUser(request);
      return runForAgent(deps, { type: 'contact.unpark', contactId: request.params.id, agentId: user.id }, user.id, { contactId: request.params.id });
    });

    app.post('/api/v1/contacts/:id/close-unhandled', {
      schema: {
        summary: 'Close a contact assigned to me without handling it', tags: ['contacts'], params: idParams, response,
        body: z.object({ reason: z.string().trim().min(1).max(500).describe('Why it was not handled (recorded; counted as closed unhandled)') }).strict(),
      },
    }, async (request) => {
      const user = currentUser(request);
      return runForAgent(deps, { type: 'contact.close', contactId: request.params.id, agentId: user.id, unhandledReason: request.body.reason }, user.id, { contactId: request.params.id });
    });

    app.get('/api/v1/transfer-targets', {
      schema: {
        summary: 'Where I may transfer a contact', tags: ['contacts'],
        description: "Queues and waiting lists of my area (every one for supervisors; no-routing queues never), and colleagues (agents of my area) for their personal queues.",
        response: {
          200: z.object({
            queues: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(['skill', 'waiting-list']), areaId: z.string() })),
            agents: z.array(z.object({ id: z.string(), username: z.string(), displayName: z.string(), state: z.enum(['logged_out', 'ready', 'paused', 'wrap_up']) })),
          }),
          '4xx': errorBodySchema,
        },
      },
    }, async (request) => {
      const user = currentUser(request);
      const all = isSupervisor(user);
      const mine = await db.selectFrom('agent_settings').select('area_id').where('user_id', '=', user.id).executeTakeFirst();
      const areaId = mine?.area_id ?? 'default';
      let queues = db.selectFrom('queues').select(['id', 'name', 'kind', 'area_id']).where('kind', 'in', ['skill', 'waiting-list']).orderBy('name');
      if (!all) queues = queues.where('area_id', '=', areaId);
      let agents = db.selectFrom('users').innerJoin('agent_states', 'agent_states.user_id', 'users.id').leftJoin('agent_settings', 'agent_settings.user_id', 'users.id')
        .select(['users.id', 'users.username', 'users.display_name', 'agent_states.state', 'agent_settings.area_id']).where('users.id', '!=', user.id).orderBy('users.username');
      if (!all) agents = areaId === 'default' ? agents.where((eb) => eb.or([eb('agent_settings.area_id', '=', areaId), eb('agent_settings.area_id', 'is', null)])) : agents.where('agent_settings.area_id', '=', areaId);
      return {
        queues: (await queues.execute()).map((q) => ({ id: q.id, name: q.name, kind: q.kind as 'skill' | 'waiting-list', areaId: q.area_id })),
        agents: (await agents.execute()).map((a) => ({ id: a.id, username: a.username, displayName: a.display_name, state: a.state })),
      };
    });

    app.get('/api/v1/contacts/:id/history', {
      schema: {
        summary: 'Earlier contacts of the same sender, newest first', tags: ['history'], params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
        description: 'Agents see contacts they hold or handled, those in their personal queue and those in queues or waiting lists they may serve; supervisors all.',
        response: { 200: historyView, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const user = currentUser(request);
      const v = await historyVisibility(deps, user);
      const c = await db.selectFrom('contacts').select(['id', 'from_address']).where('id', '=', request.params.id).executeTakeFirst();
      if (!c) throw notFound('contact', request.params.id);
      if (!(await isVisible(db, c.id, v))) throw new ApiError(403, 'contact.forbidden', 'This contact is not yours, nor in a queue you may serve.');
      const rows = c.from_address ? await senderHistory(db, c.id, c.from_address, v, request.query.limit) : [];
      return { contacts: await withNames(db, rows.map(toContactSummary)) };
    });

    app.get('/api/v1/history', {
      schema: {
        summary: 'Search the contact history by sender address, subject or case number', tags: ['history'],
        querystring: z.object({ q: z.string().trim().min(1).max(200).describe('Part of an address or subject, or a case number ("#42" or "42")'), limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
        description: 'Newest first. Agents see contacts they hold or handled, those in their personal queue and those in queues or waiting lists they may serve; supervisors all.',
        response: { 200: historyView, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const v = await historyVisibility(deps, currentUser(request));
      return { contacts: await withNames(db, (await searchHistory(db, request.query.q, v, request.query.limit)).map(toContactSummary)) };
    });

    app.get('/api/v1/agents/me/day', {
      schema: {
        summary: 'My figures for today', tags: ['agents'],
        description: "Today is the server's local calendar day (timeZone says which). handled: contacts I closed today (not unhandled); "
          + 'averageHandlingSeconds: their mean time from assignment to closing (parked time included); closedUnhandled: closed unhandled today.',
        response: {
          200: z.object({
            date: z.string(), timeZone: z.string(), from: z.string(), to: z.string(), handled: z.number(), closedUnhandled: z.number(), averageHandlingSeconds: z.number().nullable(),
          }),
          '4xx': errorBodySchema,
        },
      },
    }, async (request) => {
      const day = localDay(deps.clock());
      const figures = await dayFigures(db, currentUser(request).id, day.from, day.to);
      return { date: day.date, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, from: isoTime(day.from), to: isoTime(day.to), ...figures };
    });
  };
}
