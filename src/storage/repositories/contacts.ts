import type { Kysely } from 'kysely';
import type { ContactRow, ContactStatus, Database } from '../schema.js';
import type { AttachmentInfo, EmailAddress } from '../../core/email/types.js';

export interface ContactFilter {
  status?: ContactStatus;
  /** Only contacts offered or assigned to this agent (agents see their own work). */
  agentId?: string;
  queueId?: string;
  ids?: string[];
  /** Assigned contacts only: parked (true) or active (false). */
  parked?: boolean;
  /** Newest first (by closing, then creation) instead of queue order. */
  newestFirst?: boolean;
  limit?: number;
  offset?: number;
}

const SUMMARY = ['id', 'entrance_id', 'queue_id', 'status', 'subject', 'from_address', 'from_name', 'queued_at', 'agent_id', 'priority', 'created_at', 'assigned_at', 'closed_at', 'message_id',
  'area_id', 'task_type_id', 'personal_agent_id', 'out_of_hours', 'end_reason', 'routing',
  'parked', 'parked_at', 'park_remind_at', 'case_number', 'contact_data', 'wrap_up_code', 'unhandled_reason'] as const;

export async function listContacts(db: Kysely<Database>, f: ContactFilter) {
  let q = db.selectFrom('contacts').select(SUMMARY);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.agentId) q = q.where('agent_id', '=', f.agentId);
  if (f.queueId) q = q.where('queue_id', '=', f.queueId);
  if (f.ids) q = q.where('id', 'in', f.ids);
  if (f.parked !== undefined) q = q.where('parked', '=', f.parked ? 1 : 0);
  q = f.newestFirst ? q.orderBy('closed_at', 'desc').orderBy('created_at', 'desc') : q.orderBy('queued_at');
  return q.orderBy('id').limit(f.limit ?? 100).offset(f.offset ?? 0).execute();
}

export type ContactSummaryRow = Awaited<ReturnType<typeof listContacts>>[number];

export const getContact = (db: Kysely<Database>, id: string) => db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();

export async function countContacts(db: Kysely<Database>, status?: ContactStatus): Promise<number> {
  let q = db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n'));
  if (status) q = q.where('status', '=', status);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Contacts per queue and status, for the queue-size gauge and the queue list. */
export const queueCounts = (db: Kysely<Database>) =>
  db.selectFrom('contacts').innerJoin('queues', 'queues.id', 'contacts.queue_id')
    .select(['queues.name as queue', 'contacts.status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('contacts.status', 'in', ['queued', 'offered', 'assigned']).groupBy(['queues.name', 'contacts.status']).execute();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toContactSummary(r: ContactSummaryRow) {
  return {
    id: r.id, entranceId: r.entrance_id, queueId: r.queue_id, status: r.status, subject: r.subject,
    from: r.from_address ? { address: r.from_address, name: r.from_name ?? '' } : null,
    messageId: r.message_id, priority: r.priority, agentId: r.agent_id,
    queuedAt: iso(r.queued_at), createdAt: iso(r.created_at), assignedAt: iso(r.assigned_at), closedAt: iso(r.closed_at),
    // routing model (issue 3)
    areaId: r.area_id, taskTypeId: r.task_type_id, personalAgentId: r.personal_agent_id, outOfHours: r.out_of_hours === 1, endReason: r.end_reason, routing: r.routing,
    // agent actions (issue 7)
    parked: r.parked === 1, parkedAt: iso(r.parked_at ?? null), remindAt: iso(r.park_remind_at ?? null),
    queueSeconds: r.assigned_at === null ? null : Math.max(0, Math.round((r.assigned_at - r.queued_at) / 1000)),
    caseNumber: r.case_number === null || r.case_number === undefined ? null : Number(r.case_number),
    ...categoriesAndLanguage(r.contact_data),
    wrapUpCode: r.wrap_up_code ?? null, closedUnhandled: !!r.unhandled_reason, unhandledReason: r.unhandled_reason ?? null,
  };
}

function categoriesAndLanguage(contactData: string): { categories: string[]; language: string | null } {
  const d = JSON.parse(contactData) as { categories?: unknown; language?: unknown };
  const categories = Array.isArray(d.categories) ? d.categories.filter((c): c is string => typeof c === 'string') : typeof d.categories === 'string' ? [d.categories] : [];
  return { categories, language: typeof d.language === 'string' && d.language ? d.language : null };
}

/** The full contact for the reading window. The HTML is passed in already sanitized by the caller. */
export function toContactDetail(r: ContactRow, sanitizedHtml: string | null) {
  return {
    ...toContactSummary(r),
    to: JSON.parse(r.to_addresses) as EmailAddress[],
    cc: JSON.parse(r.cc_addresses) as EmailAddress[],
    replyTo: JSON.parse(r.reply_to) as EmailAddress[],
    date: iso(r.sent_date),
    inReplyTo: r.in_reply_to,
    references: JSON.parse(r.references_ids) as string[],
    text: r.text_body,
    html: sanitizedHtml,
    attachments: (JSON.parse(r.attachments) as AttachmentInfo[]).map((a) => ({ ...a, url: `/api/v1/contacts/${r.id}/attachments/${a.index}` })),
    contactData: JSON.parse(r.contact_data) as Record<string, unknown>,
    caseId: r.case_id ?? null,
    caseNumber: r.case_number === null || r.case_number === undefined ? null : Number(r.case_number),
    analysis: r.analysis ? (JSON.parse(r.analysis) as Record<string, unknown>) : null,
  };
}

export type QuarantineState = 'open' | 'released' | 'discarded' | 'all';

export const listQuarantine = (db: Kysely<Database>, limit = 100, offset = 0, state: QuarantineState = 'all', id?: number) => {
  let q = db.selectFrom('quarantine').leftJoin('inbound_messages', 'inbound_messages.id', 'quarantine.inbound_message_id')
    .select(['quarantine.id', 'quarantine.inbound_message_id', 'quarantine.account_id', 'quarantine.reason_code', 'quarantine.reason', 'quarantine.created_at', 'inbound_messages.size',
      'quarantine.resolution', 'quarantine.resolved_at', 'quarantine.resolved_by']);
  if (state === 'open') q = q.where('quarantine.resolution', 'is', null);
  else if (state !== 'all') q = q.where('quarantine.resolution', '=', state);
  if (id !== undefined) q = q.where('quarantine.id', '=', id);
  return q.orderBy('quarantine.id', 'desc').limit(limit).offset(offset).execute();
};
