import { z } from 'zod';

/**
 * Response shapes of the public API. Responses are serialized through these schemas,
 * so a field that is not listed here (a password hash, a sealed secret) never leaves
 * the server even if a view function grew one by mistake.
 */
const iso = z.string().describe('ISO 8601 time');
const isoOrNull = iso.nullable();

export const roleSchema = z.enum(['admin', 'supervisor', 'agent']);
export const securitySchema = z.enum(['none', 'starttls', 'tls']);
export const idParams = z.object({ id: z.string().min(1).max(200) });

export const userViewSchema = z.object({
  id: z.string(), username: z.string(), displayName: z.string(), role: roleSchema, email: z.string().nullable(),
  skills: z.record(z.string(), z.number()), capacity: z.number(),
  disabled: z.boolean().describe('A disabled user cannot sign in'), createdAt: iso, updatedAt: iso,
}).describe('User');

export const smtpServerViewSchema = z.object({
  id: z.string(), name: z.string(), host: z.string(), port: z.number(), security: securitySchema,
  auth: z.object({ user: z.string(), method: z.enum(['PLAIN', 'LOGIN', 'CRAM-MD5']).nullable(), passwordSet: z.boolean() }).nullable(),
  allowSelfSigned: z.boolean().describe('Accepts a self-signed TLS certificate'),
  enabled: z.boolean().describe('false: switched off; mail for it waits in the outbox (with that reason) until it is enabled again'),
  createdAt: iso, updatedAt: iso,
}).describe('SmtpServer');

export const accountViewSchema = z.object({
  id: z.string(), address: z.string(), protocol: z.enum(['imap', 'smtp']), host: z.string(), port: z.number(), security: securitySchema,
  username: z.string().nullable(), passwordSet: z.boolean(), mailbox: z.string(), afterImport: z.enum(['seen', 'move', 'delete']),
  moveTo: z.string().nullable(), pollIntervalSeconds: z.number(), smtpServerId: z.string().nullable(), returnAddress: z.string().nullable(),
  alternativeAddresses: z.array(z.string()), sentFolder: z.string().nullable(), enabled: z.boolean(), allowSelfSigned: z.boolean().describe('Accepts a self-signed TLS certificate'), entranceId: z.string().nullable(),
  health: z.object({ state: z.string(), lastSuccessAt: isoOrNull, lastError: z.string().nullable(), lastErrorAt: isoOrNull, updatedAt: isoOrNull }),
  createdAt: iso, updatedAt: iso,
}).describe('Account');

export const entranceViewSchema = z.object({
  id: z.string(), name: z.string(), accountId: z.string().nullable(), queueId: z.string(), createdAt: iso,
}).describe('Entrance');

export const queueViewSchema = z.object({
  id: z.string(), name: z.string(), createdAt: iso,
  counts: z.object({ queued: z.number(), offered: z.number(), assigned: z.number() }),
}).describe('Queue');

const addressSchema = z.object({ address: z.string(), name: z.string() });

export const contactSummarySchema = z.object({
  id: z.string(), entranceId: z.string(), queueId: z.string(), status: z.enum(['queued', 'offered', 'assigned', 'closed']),
  subject: z.string(), from: addressSchema.nullable(), messageId: z.string().nullable(), priority: z.number(), agentId: z.string().nullable(),
  queuedAt: isoOrNull, createdAt: isoOrNull, assignedAt: isoOrNull, closedAt: isoOrNull,
  areaId: z.string().nullable(), taskTypeId: z.string().nullable(),
  personalAgentId: z.string().nullable().describe("Waiting in this agent's personal queue (follow-up, transfer or routing)"),
  outOfHours: z.boolean().describe('Arrived while its entrance was closed'), endReason: z.string().nullable().describe('Why routing ended the contact'),
  routing: z.enum(['pending', 'held', 'routed']),
  parked: z.boolean().describe('Set aside by its agent: still theirs, not counted in their capacity'),
  parkedAt: isoOrNull, remindAt: isoOrNull.describe('When the agent is reminded of the parked contact (event contact.park_reminder)'),
  queueSeconds: z.number().nullable().describe('Time in queue before it was assigned (first queue entry, kept across requeues)'),
  caseNumber: z.number().nullable(), categories: z.array(z.string()), language: z.string().nullable(),
  wrapUpCode: z.string().nullable(), closedUnhandled: z.boolean(), unhandledReason: z.string().nullable(),
  entranceName: z.string().optional(),
  taskType: z.object({ id: z.string(), name: z.string(), wrapUpCodes: z.array(z.string()) }).nullable().optional()
    .describe('The task type, with the wrap-up codes to choose from when closing'),
}).describe('ContactSummary');

export const contactDetailSchema = contactSummarySchema.extend({
  to: z.array(addressSchema), cc: z.array(addressSchema), replyTo: z.array(addressSchema), date: isoOrNull,
  inReplyTo: z.string().nullable(), references: z.array(z.string()), text: z.string(),
  html: z.string().nullable().describe('Sanitized on the server: no scripts, handlers or remote content'),
  remoteContentBlocked: z.number().describe('Remote images / CSS url() references removed from html'),
  attachments: z.array(z.object({
    index: z.number(), filename: z.string(), contentType: z.string(), size: z.number(), contentId: z.string().nullable(), inline: z.boolean(), url: z.string(),
  })),
  contactData: z.record(z.string(), z.unknown()),
  caseId: z.string().nullable().describe('The case (conversation) this contact belongs to'),
  caseNumber: z.number().nullable().describe('Shown as the case tag [#n] in subjects'),
  analysis: z.record(z.string(), z.unknown()).nullable()
    .describe('Explainable analysis: matched categories and words, pattern values, language, auto-generated classification, spam verdict, thread, and why an automatic answer was or was not sent'),
}).describe('ContactDetail');

export const offerViewSchema = z.object({
  id: z.string(), contactId: z.string(), agentId: z.string(), createdAt: iso, expiresAt: iso,
}).describe('Offer');

export const agentViewSchema = z.object({
  id: z.string(), username: z.string(), displayName: z.string(), role: roleSchema,
  state: z.enum(['logged_out', 'ready', 'paused', 'wrap_up']), pauseReason: z.string().nullable(), stateSince: iso, capacity: z.number(),
}).describe('Agent');

export const acdEffectsSchema = z.object({
  effects: z.array(z.looseObject({ type: z.string() })).describe('What the queue engine did, in order; times (createdAt, expiresAt, until, wrapUpUntil) are ISO 8601'),
});

const TIME_KEYS = new Set(['createdAt', 'expiresAt', 'until', 'wrapUpUntil', 'at']);

/** The queue engine's effects with their epoch-millisecond times as ISO 8601 (API responses use ISO times throughout). */
export function effectTimesToIso(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => effectTimesToIso(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = TIME_KEYS.has(k) && typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : effectTimesToIso(v, depth + 1);
  }
  return out;
}

export const quarantineViewSchema = z.object({
  id: z.number(), inboundMessageId: z.number().nullable(), accountId: z.string().nullable(), reasonCode: z.string(), reason: z.string(),
  size: z.number().nullable(), createdAt: iso,
  resolution: z.enum(['released', 'discarded']).nullable().describe('null while the entry is open'), resolvedAt: isoOrNull, resolvedBy: z.string().nullable(),
}).describe('QuarantineEntry');

export const outboxViewSchema = z.object({
  id: z.number(), kind: z.string(), contactId: z.string().nullable(), accountId: z.string().nullable(), envelopeFrom: z.string(),
  envelopeTo: z.array(z.string()), status: z.string(), attempts: z.number(), nextAttemptAt: iso, lastError: z.string().nullable(),
  createdAt: iso, sentAt: isoOrNull,
}).describe('OutboxEntry');

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

export const isoTime = (ms: number): string => new Date(ms).toISOString();
export const isoTimeOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
