import { createHash, randomUUID } from 'node:crypto';
import { sql, type Insertable, type Transaction } from 'kysely';
import type { Deps } from '../../app/deps.js';
import { checkRateLimit, normaliseMessageId, type RateDecision } from '../../core/analysis/index.js';
import { rateLimitsOf, type AnalysisSettings } from '../../storage/repositories/analysis-config.js';
import type { CaseRef } from '../../storage/repositories/cases.js';
import { enqueueOutboxRows, type OutboxInput } from '../../storage/repositories/outbox.js';
import type { Database } from '../../storage/schema.js';

type Trx = Transaction<Database>;

/** An automatic answer or notice waiting for its outbox row; `outboxId` is set when the row is written. */
export interface QueuedAnswer { outboxId: number }

interface PendingAnswer {
  outbox: OutboxInput;
  log: Omit<Insertable<Database['auto_answer_log']>, 'outbox_id'>;
  queued: QueuedAnswer;
}

/**
 * The rows a write transaction makes for each mail's case and automatic answer — the new case
 * (its number comes from the database), the Message-IDs that belong to it, the outbox row, the
 * automatic-answer log entry — kept here and written together (one multi-row statement per table)
 * at `flush`, instead of up to six statements per mail. Whatever a later step reads is flushed
 * first: the caller flushes before looking up threads (a reply in the same batch finds the mail
 * before it) and before using case numbers or outbox ids. The per-recipient answer history that
 * the rate limit reads is loaded once per recipient and kept here with the answers this
 * transaction queued, so a second mail from the same customer in one batch is limited exactly as
 * if the first one's log row were already written.
 */
export class CaseRows {
  private cases: { row: Insertable<Database['cases']>; ref: CaseRef }[] = [];
  private messages: Insertable<Database['case_messages']>[] = [];
  private answers: PendingAnswer[] = [];
  /** recipient → times of automatic answers and notices in the widest window (loaded, plus queued here). */
  private history = new Map<string, number[]>();

  constructor(private readonly deps: Pick<Deps, 'storage'>) {}

  get pending(): boolean { return this.cases.length + this.messages.length + this.answers.length > 0; }

  /** A new case; its `number` is 0 until the next flush. */
  newCase(input: { entranceId: string; contactId: string; subject: string; customer: string | null }, now: number): CaseRef {
    const ref: CaseRef = { id: randomUUID(), number: 0 };
    this.cases.push({
      ref,
      row: { id: ref.id, entrance_id: input.entranceId, first_contact_id: input.contactId, subject: input.subject.slice(0, 1000), customer_address: input.customer, created_at: now, updated_at: now },
    });
    return ref;
  }

  /** Remembers that a Message-ID belongs to a case (the first case to claim an id keeps it). */
  caseMessage(messageId: string | null, caseId: string, contactId: string | null, direction: 'in' | 'out', now: number): void {
    if (!messageId || !messageId.trim()) return;
    this.messages.push({ message_id: normaliseMessageId(messageId), case_id: caseId, contact_id: contactId, direction, created_at: now });
  }

  /** An outbox row and its log entry; the returned object gets the outbox id at the next flush. */
  answer(outbox: OutboxInput, log: PendingAnswer['log']): QueuedAnswer {
    const queued: QueuedAnswer = { outboxId: 0 };
    this.answers.push({ outbox, log, queued });
    this.history.get(log.recipient)?.push(Number(log.sent_at));
    return queued;
  }

  /**
   * Reads the answer history of recipients not read yet in this transaction (one query). On
   * PostgreSQL a per-recipient advisory lock, taken in a fixed order, serialises email servers
   * answering the same customer at once.
   */
  async loadHistory(trx: Trx, recipients: Iterable<string>, settings: AnalysisSettings, now: number): Promise<void> {
    const limits = rateLimitsOf(settings);
    if (limits.length === 0) return;
    const fresh = [...new Set(recipients)].filter((r) => !this.history.has(r)).sort();
    if (fresh.length === 0) return;
    if (this.deps.storage.dialect === 'postgres') {
      const keys = [...new Set(fresh.map(recipientLockKey))].sort((a, b) => a - b);
      await sql`select pg_advisory_xact_lock(${0x5a1702}, k) from (select unnest(${keys}::int4[]) as k order by k) as locks`.execute(trx);
    }
    const window = Math.max(...limits.map((l) => l.windowMs));
    for (const r of fresh) this.history.set(r, []);
    for (let i = 0; i < fresh.length; i += 500) {
      const rows = await trx.selectFrom('auto_answer_log').select(['recipient', 'sent_at'])
        .where('recipient', 'in', fresh.slice(i, i + 500)).where('sent_at', '>', now - window).execute();
      for (const row of rows) this.history.get(row.recipient)?.push(Number(row.sent_at));
    }
  }

  /** The rate limit for one recipient, counting what this transaction queued (loads the history if needed). */
  async rate(trx: Trx, recipient: string, settings: AnalysisSettings, now: number): Promise<RateDecision> {
    const limits = rateLimitsOf(settings);
    if (limits.length === 0) return { allowed: true };
    await this.loadHistory(trx, [recipient], settings, now);
    return checkRateLimit(this.history.get(recipient) ?? [], now, limits);
  }

  /** Writes everything pending: cases (their numbers are filled in), outbox rows (ids filled in), log entries, Message-IDs. */
  async flush(trx: Trx): Promise<void> {
    const cases = this.cases.splice(0);
    for (let i = 0; i < cases.length; i += 100) {
      const part = cases.slice(i, i + 100);
      const rows = await trx.insertInto('cases').values(part.map((c) => c.row)).returning(['id', 'number']).execute();
      const numbers = new Map(rows.map((r) => [r.id, Number(r.number)]));
      for (const c of part) {
        const n = numbers.get(c.ref.id);
        if (n === undefined) throw new Error(`case ${c.ref.id} was not returned by its insert`);
        c.ref.number = n;
      }
    }
    const answers = this.answers.splice(0);
    if (answers.length) {
      const ids = await enqueueOutboxRows(trx, answers.map((a) => ({ input: a.outbox, now: Number(a.log.sent_at) })));
      answers.forEach((a, i) => { a.queued.outboxId = ids[i]; });
      for (let i = 0; i < answers.length; i += 200) {
        await trx.insertInto('auto_answer_log').values(answers.slice(i, i + 200).map((a) => ({ ...a.log, outbox_id: a.queued.outboxId }))).execute();
      }
    }
    const messages = this.messages.splice(0);
    for (let i = 0; i < messages.length; i += 200) {
      await trx.insertInto('case_messages').values(messages.slice(i, i + 200)).onConflict((oc) => oc.column('message_id').doNothing()).execute();
    }
  }
}

const recipientLockKey = (recipient: string) => createHash('sha256').update(`auto-answer:${recipient}`).digest().readInt32BE(0);
