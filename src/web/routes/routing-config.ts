import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import type { Destination, OpeningHours } from '../../core/routing/model.js';
import { isOpen, validateHours } from '../../core/routing/hours.js';
import { parseRequirement, requirementNames } from '../../core/routing/requirement.js';
import { destinationProblem } from '../../core/routing/rules.js';
import { loadRoutingConfig, wrapUpToDb } from '../../storage/repositories/routing-config.js';
import { queueDefs, toAreaView, toSkillView, toTaskTypeView } from '../../storage/repositories/routing.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound, type ErrorDetail } from '../errors.js';
import { idParams } from '../schemas.js';
import {
  areaBody, areaPatch, areaView, entrancePatch, entranceRoutingView, queueBody, queueDefView, queuePatch, requirementCheckBody, routingRulesBody,
  routingRulesView, skillBody, skillView, taskTypeBody, taskTypePatch, taskTypeRulesBody, taskTypeRulesView, taskTypeView,
} from './routing-schemas.js';
import { announceChanges } from '../config-changes.js';

/** The routing model's configuration (admin writes, supervisors read): areas, skills, queues, task types, tables, opening hours. */
const invalid = (code: string, message: string, details: ErrorDetail[]) => new ApiError(400, code, message, details);

export function routingConfigRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // Every change (rules, task types, skills, queues, areas, entrances) reaches each process's cached routing configuration.
    announceChanges(app, deps, 'routing');
    const db = deps.storage.db;
    const admin = requireRole('admin');
    const reader = requireRole('admin', 'supervisor');
    const err = { '4xx': errorBodySchema };
    // Every process's cached routing configuration (the queue engine's leader) is dropped; the engine re-routes.
    const kick = async () => { await deps.bus.publish('config', { scope: 'routing' }); await deps.bus.publish('acd', { config: true }); };
    const areaExists = async (id: string) => !!(await db.selectFrom('areas').select('id').where('id', '=', id).executeTakeFirst());
    const needArea = async (id: string, path = 'body.areaId') => {
      if (!(await areaExists(id))) throw new ApiError(404, 'area.not_found', `no area with id '${id}'`, [{ path, message: 'unknown area' }]);
    };

    /** Every problem in a requirement: syntax, and skills or groups the area does not define. */
    const requirementProblems = async (text: string, areaId: string): Promise<ErrorDetail[]> => {
      const parsed = parseRequirement(text);
      if (!parsed.ok) return parsed.problems.map((message) => ({ path: 'body.requirement', message }));
      const names = requirementNames(parsed.requirement);
      const known = await db.selectFrom('skills').select(['name', 'kind']).where('area_id', '=', areaId).execute();
      return [
        ...names.skills.filter((s) => !known.some((k) => k.kind === 'skill' && k.name === s)).map((s) => ({ path: 'body.requirement', message: `skill '${s}' is not defined in area ${areaId}` })),
        ...names.groups.filter((g) => !known.some((k) => k.kind === 'group' && k.name === g)).map((g) => ({ path: 'body.requirement', message: `group '${g}' is not defined in area ${areaId}` })),
      ];
    };

    // Areas
    app.get('/api/v1/routing/areas', { preHandler: reader, schema: { summary: 'List areas', tags: ['routing'], response: { 200: z.object({ areas: z.array(areaView) }), ...err } } },
      async () => ({ areas: (await db.selectFrom('areas').selectAll().orderBy('name').execute()).map(toAreaView) }));
    app.post('/api/v1/routing/areas', {
      preHandler: admin,
      schema: { summary: 'Create an area', tags: ['routing'], description: 'Creates its no-routing queue unless noRoutingQueueId is given.', body: areaBody, response: { 201: areaView, ...err } },
    }, async (request, reply) => {
      const b = request.body;
      if (await db.selectFrom('areas').select('id').where('name', '=', b.name).executeTakeFirst()) throw new ApiError(409, 'area.exists', `an area named '${b.name}' already exists`);
      const id = randomUUID();
      const now = deps.clock();
      let noRouting = b.noRoutingQueueId ?? null;
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('areas').values({ id, name: b.name, default_wrap_up_seconds: wrapUpToDb(b.defaultWrapUp) ?? 0, follow_up_preferred_seconds: b.followUpPreferredSeconds, no_routing_queue_id: null, pause_reasons: JSON.stringify(b.pauseReasons), max_parked: b.maxParked, created_at: now }).execute();
        if (!noRouting) {
          noRouting = randomUUID();
          await trx.insertInto('queues').values({ id: noRouting, name: `No routing (${b.name})`, created_at: now, area_id: id, kind: 'no-routing' }).execute();
        }
        await trx.updateTable('areas').set({ no_routing_queue_id: noRouting }).where('id', '=', id).execute();
      });
      return reply.code(201).send(toAreaView((await db.selectFrom('areas').selectAll().where('id', '=', id).executeTakeFirstOrThrow())));
    });
    app.get('/api/v1/routing/areas/:id', { preHandler: reader, schema: { summary: 'One area', tags: ['routing'], params: idParams, response: { 200: areaView, ...err } } }, async (request) => {
      const a = await db.selectFrom('areas').selectAll().where('id', '=', request.params.id).executeTakeFirst();
      if (!a) throw notFound('area', request.params.id);
      return toAreaView(a);
    });
    app.patch('/api/v1/routing/areas/:id', { preHandler: admin, schema: { summary: 'Change an area', tags: ['routing'], params: idParams, body: areaPatch, response: { 200: areaView, ...err } } }, async (request) => {
      const b = request.body;
      await needArea(request.params.id, 'path.id');
      if (b.noRoutingQueueId && !(await db.selectFrom('queues').select('id').where('id', '=', b.noRoutingQueueId).executeTakeFirst())) throw notFound('queue', b.noRoutingQueueId);
      await db.updateTable('areas').set({
        ...(b.name !== undefined ? { name: b.name } : {}), ...(b.defaultWrapUp !== undefined ? { default_wrap_up_seconds: wrapUpToDb(b.defaultWrapUp) ?? 0 } : {}),
        ...(b.followUpPreferredSeconds !== undefined ? { follow_up_preferred_seconds: b.followUpPreferredSeconds } : {}),
        ...(b.noRoutingQueueId !== undefined ? { no_routing_queue_id: b.noRoutingQueueId } : {}), ...(b.pauseReasons !== undefined ? { pause_reasons: JSON.stringify(b.pauseReasons) } : {}),
        ...(b.maxParked !== undefined ? { max_parked: b.maxParked } : {}),
      }).where('id', '=', request.params.id).execute();
      await kick();
      return toAreaView(await db.selectFrom('areas').selectAll().where('id', '=', request.params.id).executeTakeFirstOrThrow());
    });

    // Skills and groups
    app.get('/api/v1/routing/skills', { preHandler: reader, schema: { summary: 'List skills and groups', tags: ['routing'], response: { 200: z.object({ skills: z.array(skillView) }), ...err } } },
      async () => ({ skills: (await db.selectFrom('skills').selectAll().orderBy('area_id').orderBy('name').execute()).map(toSkillView) }));
    app.post('/api/v1/routing/skills', { preHandler: admin, schema: { summary: 'Define a skill (levels 1-9) or a group in an area', tags: ['routing'], body: skillBody, response: { 201: skillView, ...err } } }, async (request, reply) => {
      const b = request.body;
      await needArea(b.areaId);
      if (await db.selectFrom('skills').select('id').where('area_id', '=', b.areaId).where('kind', '=', b.kind).where('name', '=', b.name).executeTakeFirst()) throw new ApiError(409, 'skill.exists', `${b.kind} '${b.name}' already exists in this area`);
      const row = { id: randomUUID(), area_id: b.areaId, name: b.name, kind: b.kind, created_at: deps.clock() };
      await db.insertInto('skills').values(row).execute();
      return reply.code(201).send(toSkillView(row));
    });
    app.delete('/api/v1/routing/skills/:id', { preHandler: admin, schema: { summary: 'Remove a skill or group', tags: ['routing'], params: idParams, response: { 204: z.null(), ...err } } }, async (request, reply) => {
      const r = await db.deleteFrom('skills').where('id', '=', request.params.id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound('skill', request.params.id);
      return reply.code(204).send(null);
    });
    app.post('/api/v1/routing/requirements/check', { preHandler: admin, schema: { summary: 'Check a requirement expression', tags: ['routing'], description: 'Returns every problem: syntax, and skills or groups unknown in the area.', body: requirementCheckBody, response: { 200: z.object({ ok: z.boolean(), problems: z.array(z.string()) }), ...err } } }, async (request) => {
      const problems = await requirementProblems(request.body.requirement, request.body.areaId ?? 'default');
      return { ok: problems.length === 0, problems: problems.map((p) => p.message) };
    });

    // Queues and waiting lists
    app.get('/api/v1/routing/queues', { preHandler: reader, schema: { summary: 'Queue and waiting-list definitions', tags: ['routing'], response: { 200: z.object({ queues: z.array(queueDefView) }), ...err } } },
      async () => ({ queues: await queueDefs(db) }));
    app.get('/api/v1/routing/queues/:id', { preHandler: reader, schema: { summary: 'One queue definition', tags: ['routing'], params: idParams, response: { 200: queueDefView, ...err } } }, async (request) => {
      const [q] = await queueDefs(db, request.params.id);
      if (!q) throw notFound('queue', request.params.id);
      return q;
    });
    const queueColumns = (b: z.infer<typeof queuePatch>) => ({
      ...(b.name !== undefined ? { name: b.name } : {}), ...(b.areaId !== undefined ? { area_id: b.areaId } : {}), ...(b.kind !== undefined ? { kind: b.kind } : {}),
      ...(b.requirement !== undefined ? { requirement: b.requirement } : {}), ...(b.relaxation !== undefined ? { relaxation: JSON.stringify(b.relaxation) } : {}),
      ...(b.priorityTier !== undefined ? { priority_tier: b.priorityTier } : {}), ...(b.sortOrder !== undefined ? { sort_order: b.sortOrder } : {}),
      ...(b.weight !== undefined ? { weight: b.weight } : {}), ...(b.agentSelection !== undefined ? { agent_selection: b.agentSelection } : {}),
      ...(b.sl1Minutes !== undefined ? { sl1_minutes: b.sl1Minutes } : {}), ...(b.sl2Minutes !== undefined ? { sl2_minutes: b.sl2Minutes } : {}),
    });
    const checkQueue = async (b: { areaId: string; requirement: string; sl1Minutes: number; sl2Minutes: number }) => {
      await needArea(b.areaId);
      const problems = await requirementProblems(b.requirement, b.areaId);
      if (b.sl2Minutes < b.sl1Minutes) problems.push({ path: 'body.sl2Minutes', message: 'SL2 must be at least SL1' });
      if (problems.length) throw invalid('queue.invalid', 'the queue definition has problems', problems);
    };
    app.post('/api/v1/routing/queues', { preHandler: admin, schema: { summary: 'Create a queue or waiting list', tags: ['routing'], body: queueBody, response: { 201: queueDefView, ...err } } }, async (request, reply) => {
      const b = request.body;
      await checkQueue(b);
      if (await db.selectFrom('queues').select('id').where('name', '=', b.name).executeTakeFirst()) throw new ApiError(409, 'queue.exists', `a queue named '${b.name}' already exists`);
      const id = randomUUID();
      await db.insertInto('queues').values({ id, created_at: deps.clock(), ...queueColumns(b), name: b.name }).execute();
      await kick();
      return reply.code(201).send((await queueDefs(db, id))[0]);
    });
    app.patch('/api/v1/routing/queues/:id', { preHandler: admin, schema: { summary: 'Change a queue', tags: ['routing'], params: idParams, body: queuePatch, response: { 200: queueDefView, ...err } } }, async (request) => {
      const [cur] = await queueDefs(db, request.params.id);
      if (!cur) throw notFound('queue', request.params.id);
      await checkQueue({ ...cur, ...request.body });
      const columns = queueColumns(request.body);
      if (Object.keys(columns).length) await db.updateTable('queues').set(columns).where('id', '=', cur.id).execute();
      await kick();
      return (await queueDefs(db, cur.id))[0];
    });

    // Task types and the assignment table
    app.get('/api/v1/routing/task-types', { preHandler: reader, schema: { summary: 'List task types', tags: ['routing'], response: { 200: z.object({ taskTypes: z.array(taskTypeView) }), ...err } } },
      async () => ({ taskTypes: (await db.selectFrom('task_types').selectAll().orderBy('name').execute()).map(toTaskTypeView) }));
    app.post('/api/v1/routing/task-types', { preHandler: admin, schema: { summary: 'Create a task type', tags: ['routing'], body: taskTypeBody, response: { 201: taskTypeView, ...err } } }, async (request, reply) => {
      const b = request.body;
      await needArea(b.areaId);
      if (await db.selectFrom('task_types').select('id').where('area_id', '=', b.areaId).where('name', '=', b.name).executeTakeFirst()) throw new ApiError(409, 'task_type.exists', `task type '${b.name}' already exists in this area`);
      const row = { id: randomUUID(), area_id: b.areaId, name: b.name, wrap_up_seconds: wrapUpToDb(b.wrapUp), wrap_up_codes: JSON.stringify(b.wrapUpCodes), created_at: deps.clock() };
      await db.insertInto('task_types').values(row).execute();
      await kick();
      return reply.code(201).send(toTaskTypeView(row));
    });
    app.patch('/api/v1/routing/task-types/:id', { preHandler: admin, schema: { summary: 'Change a task type', tags: ['routing'], params: idParams, body: taskTypePatch, response: { 200: taskTypeView, ...err } } }, async (request) => {
      const b = request.body;
      const changes = { ...(b.name !== undefined ? { name: b.name } : {}), ...(b.wrapUp !== undefined ? { wrap_up_seconds: wrapUpToDb(b.wrapUp) } : {}),
        ...(b.wrapUpCodes !== undefined ? { wrap_up_codes: JSON.stringify(b.wrapUpCodes) } : {}) };
      // A body that changes nothing (only fields this route ignores) is a no-op, not an empty UPDATE (found by the API fuzzer).
      const found = Object.keys(changes).length === 0
        ? await db.selectFrom('task_types').select('id').where('id', '=', request.params.id).executeTakeFirst() !== undefined
        : Number((await db.updateTable('task_types').set(changes).where('id', '=', request.params.id).executeTakeFirst()).numUpdatedRows) > 0;
      if (!found) throw notFound('task_type', request.params.id);
      await kick();
      return toTaskTypeView(await db.selectFrom('task_types').selectAll().where('id', '=', request.params.id).executeTakeFirstOrThrow());
    });
    const areaParams = idParams;
    app.get('/api/v1/routing/areas/:id/task-type-rules', { preHandler: reader, schema: { summary: "An area's task-type assignment table, in search order", tags: ['routing'], params: areaParams, response: { 200: taskTypeRulesView, ...err } } }, async (request) => {
      const rows = await db.selectFrom('task_type_rules').selectAll().where('area_id', '=', request.params.id).orderBy('position').execute();
      return { rules: rows.map((r) => ({ id: r.id, criteria: JSON.parse(r.criteria), taskTypeId: r.task_type_id })) };
    });
    app.put('/api/v1/routing/areas/:id/task-type-rules', { preHandler: admin, schema: { summary: "Replace an area's task-type assignment table", tags: ['routing'], params: areaParams, body: taskTypeRulesBody, response: { 200: taskTypeRulesView, ...err } } }, async (request) => {
      const areaId = request.params.id;
      await needArea(areaId, 'path.id');
      const types = new Set((await db.selectFrom('task_types').select('id').where('area_id', '=', areaId).execute()).map((t) => t.id));
      const problems = request.body.rules.flatMap((r, i) => (types.has(r.taskTypeId) ? [] : [{ path: `body.rules.${i}.taskTypeId`, message: `no task type '${r.taskTypeId}' in this area` }]));
      if (problems.length) throw invalid('task_type_rules.invalid', 'the table has problems', problems);
      const rows = request.body.rules.map((r, i) => ({ id: randomUUID(), area_id: areaId, position: i + 1, criteria: JSON.stringify(r.criteria), task_type_id: r.taskTypeId }));
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('task_type_rules').where('area_id', '=', areaId).execute();
        if (rows.length) await trx.insertInto('task_type_rules').values(rows).execute();
      });
      await kick();
      return { rules: rows.map((r) => ({ id: r.id, criteria: JSON.parse(r.criteria), taskTypeId: r.task_type_id })) };
    });

    // Routing table
    app.get('/api/v1/routing/areas/:id/routing-rules', { preHandler: reader, schema: { summary: "An area's routing table, in search order", tags: ['routing'], params: areaParams, response: { 200: routingRulesView, ...err } } }, async (request) => {
      const rows = await db.selectFrom('routing_rules').selectAll().where('area_id', '=', request.params.id).orderBy('position').execute();
      return { rules: rows.map((r) => ({ id: r.id, criteria: JSON.parse(r.criteria), destinations: JSON.parse(r.destinations) })) };
    });
    app.put('/api/v1/routing/areas/:id/routing-rules', {
      preHandler: admin,
      schema: {
        summary: "Replace an area's routing table", tags: ['routing'], params: areaParams, body: routingRulesBody, response: { 200: routingRulesView, ...err },
        description: 'Destinations: queue, waiting-list, personal (agent), external-email, end (reason), area (escalation). Escalation constraints: wait, eqt, agentConRatio, minAvailAgents.',
      },
    }, async (request) => {
      const areaId = request.params.id;
      await needArea(areaId, 'path.id');
      const cfg = await loadRoutingConfig(db);
      const problems: ErrorDetail[] = [];
      request.body.rules.forEach((r, i) => r.destinations.forEach((d, j) => {
        const p = destinationProblem(cfg, areaId, d as Destination);
        if (p) problems.push({ path: `body.rules.${i}.destinations.${j}`, message: p });
      }));
      if (problems.length) throw invalid('routing_rules.invalid', 'the routing table has problems', problems);
      const rows = request.body.rules.map((r, i) => ({ id: randomUUID(), area_id: areaId, position: i + 1, criteria: JSON.stringify(r.criteria), destinations: JSON.stringify(r.destinations) }));
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('routing_rules').where('area_id', '=', areaId).execute();
        if (rows.length) await trx.insertInto('routing_rules').values(rows).execute();
      });
      await kick();
      return { rules: rows.map((r) => ({ id: r.id, criteria: JSON.parse(r.criteria), destinations: JSON.parse(r.destinations) })) };
    });

    // Entrances: area, opening hours, fallback
    const entranceView = async (id: string) => {
      const e = await db.selectFrom('entrances').selectAll().where('id', '=', id).executeTakeFirst();
      if (!e) throw notFound('entrance', id);
      const hours = e.hours ? JSON.parse(e.hours) as OpeningHours : null;
      return { id: e.id, name: e.name, areaId: e.area_id, queueId: e.queue_id, fallbackToQueue: e.fallback_to_queue === 1, hours, openNow: isOpen(hours, deps.clock()), signature: e.signature ?? null };
    };
    app.get('/api/v1/routing/entrances/:id', { preHandler: reader, schema: { summary: "An entrance's area, opening hours and fallback", tags: ['routing'], params: idParams, response: { 200: entranceRoutingView, ...err } } },
      async (request) => entranceView(request.params.id));
    app.patch('/api/v1/routing/entrances/:id', { preHandler: admin, schema: { summary: "Set an entrance's area, opening hours, fallback or signature", tags: ['routing'], description: 'Mail arriving while closed is kept, marked out of hours, and routed when the entrance opens.', params: idParams, body: entrancePatch, response: { 200: entranceRoutingView, ...err } } }, async (request) => {
      const b = request.body;
      await entranceView(request.params.id);
      if (b.areaId) await needArea(b.areaId);
      if (b.hours) {
        const problems = validateHours(b.hours as OpeningHours);
        if (problems.length) throw invalid('hours.invalid', 'the opening hours have problems', problems.map((message) => ({ path: 'body.hours', message })));
      }
      await db.updateTable('entrances').set({
        ...(b.areaId ? { area_id: b.areaId } : {}), ...(b.hours !== undefined ? { hours: b.hours ? JSON.stringify(b.hours) : null } : {}),
        ...(b.fallbackToQueue !== undefined ? { fallback_to_queue: b.fallbackToQueue ? 1 : 0 } : {}),
        ...(b.signature !== undefined ? { signature: b.signature?.trim() ? b.signature : null } : {}),
      }).where('id', '=', request.params.id).execute();
      await kick();
      return entranceView(request.params.id);
    });
  };
}
