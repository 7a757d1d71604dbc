import { z } from 'zod';

/** Request and response shapes of the routing model (areas, queues, task types, rules, hours, agent settings). */
const name = z.string().trim().min(1).max(200);
export const wrapUpSchema = z.union([z.number().int().min(0).max(86_400), z.literal('unlimited')]).describe('Seconds (0 = none) or "unlimited"');
const criterion = z.object({ key: z.string().trim().min(1).max(100), op: z.enum(['equals', 'contains']), value: z.string().max(500) }).strict();
const escalation = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('wait'), seconds: z.number().int().min(0).max(31_536_000) }).strict(),
  z.object({ type: z.literal('eqt'), seconds: z.number().int().min(0).max(31_536_000) }).strict(),
  z.object({ type: z.literal('agentConRatio'), ratio: z.number().min(0).max(10_000) }).strict(),
  z.object({ type: z.literal('minAvailAgents'), min: z.number().int().min(0).max(100_000) }).strict(),
]);
const noEsc = { type: 'none' as const };
export const destinationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queue'), queueId: z.string().min(1), escalation: escalation.default(noEsc) }).strict(),
  z.object({ type: z.literal('waiting-list'), queueId: z.string().min(1), escalation: escalation.default(noEsc) }).strict(),
  z.object({ type: z.literal('personal'), agentId: z.string().min(1), escalation: escalation.default(noEsc) }).strict(),
  z.object({ type: z.literal('external-email'), address: z.email().max(320) }).strict(),
  z.object({ type: z.literal('end'), reason: z.string().trim().min(1).max(500) }).strict(),
  z.object({ type: z.literal('area'), areaId: z.string().min(1) }).strict(),
]);

const areaFields = {
  name,
  defaultWrapUp: wrapUpSchema,
  followUpPreferredSeconds: z.number().int().min(0).max(31_536_000).describe('How long a follow-up waits for the previous agent'),
  noRoutingQueueId: z.string().min(1).describe('Default: a no-routing queue is created for the area'),
  pauseReasons: z.array(z.string().trim().min(1).max(100)).max(50),
  maxParked: z.number().int().min(0).max(100).describe('Most contacts one agent of the area may hold parked (default 5)'),
};
export const areaBody = z.object({
  ...areaFields,
  defaultWrapUp: areaFields.defaultWrapUp.default(0),
  followUpPreferredSeconds: areaFields.followUpPreferredSeconds.default(0),
  noRoutingQueueId: areaFields.noRoutingQueueId.optional(),
  pauseReasons: areaFields.pauseReasons.default([]),
  maxParked: areaFields.maxParked.default(5),
}).strict();
/** A patch changes only the fields it names (no defaults filled in). */
export const areaPatch = z.object(areaFields).partial().strict();
export const areaView = z.object({
  id: z.string(), name: z.string(), defaultWrapUp: wrapUpSchema, followUpPreferredSeconds: z.number(), noRoutingQueueId: z.string().nullable(), pauseReasons: z.array(z.string()),
  maxParked: z.number(),
}).describe('Area');

export const skillBody = z.object({ areaId: z.string().min(1), name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits and . _ - only'), kind: z.enum(['skill', 'group']).default('skill') }).strict();
export const skillView = z.object({ id: z.string(), areaId: z.string(), name: z.string(), kind: z.enum(['skill', 'group']) }).describe('Skill');

const relaxation = z.object({ afterSeconds: z.number().int().min(1).max(31_536_000), lowerLevelsBy: z.number().int().min(0).max(8).default(0), drop: z.array(z.string().min(1).max(100)).max(50).default([]) }).strict();
const queueFields = {
  name,
  areaId: z.string().min(1),
  kind: z.enum(['skill', 'no-routing', 'waiting-list']),
  requirement: z.string().max(2000).describe('e.g. "billing>=5 AND group:swedish"; empty = any agent of the area'),
  relaxation: z.array(relaxation).max(6),
  priorityTier: z.number().int().min(1).max(99),
  sortOrder: z.enum(['longest-waiting', 'highest-priority', 'service-level-deadline']),
  weight: z.number().int().min(1).max(1000),
  agentSelection: z.enum(['longest-idle', 'most-skilled', 'least-busy']),
  sl1Minutes: z.number().int().min(1).max(525_600),
  sl2Minutes: z.number().int().min(1).max(525_600),
};
export const queueBody = z.object({
  ...queueFields,
  areaId: queueFields.areaId.default('default'),
  kind: queueFields.kind.default('skill'),
  requirement: queueFields.requirement.default(''),
  relaxation: queueFields.relaxation.default([]),
  priorityTier: queueFields.priorityTier.default(1),
  sortOrder: queueFields.sortOrder.default('highest-priority'),
  weight: queueFields.weight.default(1),
  agentSelection: queueFields.agentSelection.default('longest-idle'),
  sl1Minutes: queueFields.sl1Minutes.default(60),
  sl2Minutes: queueFields.sl2Minutes.default(240),
}).strict();
/** A patch changes only the fields it names: no defaults filled in (a PATCH {} used to move the queue to the default area and reset it). */
export const queuePatch = z.object(queueFields).partial().strict();
export const queueDefView = z.object({
  id: z.string(), name: z.string(), areaId: z.string(), kind: z.enum(['skill', 'no-routing', 'waiting-list']), requirement: z.string(),
  relaxation: z.array(z.object({ afterSeconds: z.number(), lowerLevelsBy: z.number(), drop: z.array(z.string()) })),
  priorityTier: z.number(), sortOrder: z.string(), weight: z.number(), agentSelection: z.string(), sl1Minutes: z.number(), sl2Minutes: z.number(),
}).describe('QueueDefinition');

const wrapUpCodes = z.array(z.string().trim().min(1).max(100)).max(100)
  .refine((codes) => new Set(codes).size === codes.length, 'wrap-up codes must be unique')
  .describe('Codes the agent chooses from when closing a contact of this type; when there are any, one is required');
const taskTypeFields = { areaId: z.string().min(1), name, wrapUp: wrapUpSchema.nullable().describe('null = the area default'), wrapUpCodes };
export const taskTypeBody = z.object({
  ...taskTypeFields, areaId: taskTypeFields.areaId.default('default'), wrapUp: taskTypeFields.wrapUp.default(null), wrapUpCodes: wrapUpCodes.default([]),
}).strict();
/** A patch changes only the fields it names (no defaults filled in). */
export const taskTypePatch = z.object(taskTypeFields).partial().strict();
export const taskTypeView = z.object({ id: z.string(), areaId: z.string(), name: z.string(), wrapUp: wrapUpSchema.nullable(), wrapUpCodes: z.array(z.string()) }).describe('TaskType');

export const taskTypeRulesBody = z.object({
  rules: z.array(z.object({ criteria: z.array(criterion).min(1).max(20), taskTypeId: z.string().min(1) }).strict()).max(1000)
    .describe('In search order: the first row whose criteria all hold gives the task type'),
}).strict();
export const taskTypeRulesView = z.object({ rules: z.array(z.object({ id: z.string(), criteria: z.array(criterion), taskTypeId: z.string() })) });

export const routingRulesBody = z.object({
  rules: z.array(z.object({ criteria: z.array(criterion).max(20), destinations: z.array(destinationSchema).min(1).max(20) }).strict()).max(1000)
    .describe('In search order: the first rule whose criteria all hold routes the contact (no criteria = matches everything)'),
}).strict();
export const routingRulesView = z.object({ rules: z.array(z.object({ id: z.string(), criteria: z.array(criterion), destinations: z.array(z.looseObject({ type: z.string() })) })) });

export const hoursSchema = z.object({
  timeZone: z.string().min(1).max(100),
  weekly: z.record(z.string(), z.array(z.string())).describe('ISO weekday 1 (Monday) to 7 → ["08:00-17:00", …]'),
  exceptions: z.record(z.string(), z.array(z.string())).default({}).describe('"YYYY-MM-DD" → intervals; [] = closed all day'),
}).strict();
export const entrancePatch = z.object({
  areaId: z.string().min(1).optional(),
  hours: hoursSchema.nullable().optional().describe('null = always open'),
  fallbackToQueue: z.boolean().optional().describe("true: mail matching no routing rule waits in the entrance's queue; false: the area's no-routing queue"),
  signature: z.string().max(10_000).nullable().optional().describe("Plain text appended to agents' answers sent from this entrance's addresses; variables such as {{agent.name}} are filled. null removes it"),
}).strict();
export const entranceRoutingView = z.object({
  id: z.string(), name: z.string(), areaId: z.string(), queueId: z.string(), fallbackToQueue: z.boolean(), hours: hoursSchema.nullable(), openNow: z.boolean(),
  signature: z.string().nullable(),
}).describe('EntranceRouting');

export const agentSettingsBody = z.object({
  areaId: z.string().min(1).optional(),
  skills: z.record(z.string().min(1).max(100), z.number().int().min(1).max(9)).optional(),
  groups: z.array(z.string().min(1).max(100)).max(100).optional(),
  capacity: z.number().int().min(1).max(25).optional().describe('Email capacity, 1-25'),
  autoAccept: z.boolean().optional(),
  wrapUp: wrapUpSchema.nullable().optional().describe('Personal wrap-up; null = task type, then area'),
}).strict();
export const agentSettingsView = z.object({
  id: z.string(), username: z.string(), areaId: z.string(), skills: z.record(z.string(), z.number()), groups: z.array(z.string()), capacity: z.number(),
  autoAccept: z.boolean(), wrapUp: wrapUpSchema.nullable(), forcedQueueIds: z.array(z.string()),
}).describe('AgentSettings');

export const requirementCheckBody = z.object({ requirement: z.string().max(2000), areaId: z.string().min(1).optional() }).strict();
