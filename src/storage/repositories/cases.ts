import type { Kysely, Transaction } from 'kysely';
import { normaliseMessageId, type KnownCase, type ThreadKnowledge } from '../../core/analysis/index.js';
import type { Database } from '../schema.js';

/**
 * Cases (threading, domain §7.4): a case number from one sequence, the
 * Message-IDs that belong to each case (the customer's and ours), and the
 * agent who last handled it.
 */
type Db = Kysely<Database> | Transaction<Database>;

export interface CaseRef { id: string; number: number }

/** The agent who handled the case last: the newest contact of the case with an agent. */
async function lastAgents(db: Db, caseIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (caseIds.length === 0) return out;
  const rows = await db.selectFrom('contacts').select(['case_id', 'agent_id', 'assigned_at', 'created_at'])
    .where('case_id', 'in', caseIds).where('agent_id', 'is not', null).execute();
  const best = new Map<string, number>();
  for (const r of rows) {
    const at = Number(r.assigned_at ?? r.created_at);
    if (r.case_id && r.agent_id && at >= (best.get(r.case_id) ?? -Infinity)) { best.set(r.case_id, at); out.set(r.case_id, r.agent_id); }
  }
  return out;
}

/** Looks up only what threadLookupKeys named: stored Message-IDs, case numbers and case ids. */
export async function threadKnowledge(db: Db, keys: { messageIds: string[]; caseNumbers: string[]; caseIds: string[] }): Promise<ThreadKnowledge & { numbers: Map<string, number> }> {
  const ids = keys.messageIds.slice(0, 200);
  const byMessage = ids.length ? await db.selectFrom('case_messages').select(['message_id', 'case_id']).where('message_id', 'in', ids).execute() : [];
  const numbers = keys.caseNumbers.map(Number).filter((n) => Number.isSafeInteger(n)).slice(0, 20);
  const caseIds = [...new Set([...keys.caseIds.slice(0, 50), ...byMessage.map((r) => r.case_id)])];
  const cases = numbers.length === 0 && caseIds.length === 0 ? [] : await db.selectFrom('cases').select(['id', 'number'])
    .where((eb) => eb.or([
      ...(numbers.length ? [eb('number', 'in', numbers)] : []),
      ...(caseIds.length ? [eb('id', 'in', caseIds)] : []),
    ])).execute();
  const agents = await lastAgents(db, cases.map((c) => c.id));
  const known = (id: string): KnownCase => ({ caseId: id, lastAgentId: agents.get(id) ?? null });
  const existing = new Set(cases.map((c) => c.id));
  const out: ThreadKnowledge & { numbers: Map<string, number> } = { messageIds: {}, cases: {}, caseIds: {}, numbers: new Map() };
  for (const c of cases) {
    out.cases[String(c.number)] = known(c.id);
    out.caseIds![c.id] = known(c.id);
    out.numbers.set(c.id, Number(c.number));
  }
  for (const r of byMessage) if (existing.has(r.case_id)) out.messageIds[r.message_id] = known(r.case_id);
  return out;
}

export async function touchCase(trx: Db, caseId: string, now: number): Promise<void> {
  await trx.updateTable('cases').set({ updated_at: now }).where('id', '=', caseId).execute();
}

/** Remembers that a Message-ID belongs to a case (the first case to claim an id keeps it). */
export async function recordCaseMessage(trx: Db, messageId: string | null, caseId: string, contactId: string | null, direction: 'in' | 'out', now: number): Promise<void> {
  if (!messageId || !messageId.trim()) return;
  await trx.insertInto('case_messages').values({ message_id: normaliseMessageId(messageId), case_id: caseId, contact_id: contactId, direction, created_at: now })
    .onConflict((oc) => oc.column('message_id').doNothing()).execute();
}

export async function caseContacts(db: Db, caseId: string) {
  return db.selectFrom('contacts').select(['id', 'status', 'agent_id', 'subject', 'created_at']).where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
}
