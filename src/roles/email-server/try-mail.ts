import { randomUUID } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { decide } from '../../core/acd/decide.js';
import type { AcdEffect } from '../../core/acd/types.js';
import { getMaxMessageBytes } from '../../storage/repositories/analysis-config.js';
import { acdSettings } from '../acd/engine.js';
import { loadSnapshot } from '../acd/snapshot.js';
import { caseAndAnswer, threadAndContactData, type EntranceRef, type StoredAnalysis } from './analysis-stage.js';
import { ingestConfig } from './ingest-config.js';
import { parseAndAnalyse } from './parse-analyse.js';
import { placeContact } from './placement.js';

/**
 * "Try a mail": what the pipeline and the queue engine would do with a raw message, without
 * creating anything. It runs the pipeline's own stages (size limit, parsing, de-duplication,
 * analysis, placement, case and automatic-answer decision) and the queue engine's own decide()
 * on a snapshot, inside a transaction that is always rolled back; nothing is published.
 * (On PostgreSQL a case number may be used up: sequences do not roll back.)
 */
export interface TryMailResult {
  outcome: 'contact' | 'duplicate' | 'quarantine';
  entrance: { id: string; name: string };
  quarantine: { code: string; reason: string } | null;
  duplicateOf: string | null;
  analysis: Omit<StoredAnalysis, 'autoAnswer' | 'analysedAt' | 'body'> | null;
  contactData: Record<string, unknown> | null;
  autoAnswer: StoredAnalysis['autoAnswer'] | null;
  taskType: { id: string; name: string } | null;
  routingRule: { id: string; position: number; criteria: unknown[] } | null;
  routing: {
    how: string | null;
    queue: { id: string; name: string } | null;
    personalAgentId: string | null;
    heldUntil: number | null;
    endedReason: string | null;
    forwardedTo: string | null;
    offeredTo: string | null;
  } | null;
}

class Rollback extends Error {
  constructor(readonly result: TryMailResult) { super('try-mail rollback'); }
}

export class TryMailError extends Error {
  constructor(readonly code: 'entrance.not_found' | 'entrance.no_account', message: string) { super(message); }
}

async function entranceFor(deps: Deps, entranceId: string | null): Promise<EntranceRef> {
  let q = deps.storage.db.selectFrom('entrances').select(['id', 'name', 'queue_id', 'account_id']).orderBy('name');
  q = entranceId ? q.where('id', '=', entranceId) : q.where('account_id', 'is not', null);
  const e = await q.executeTakeFirst();
  if (!e) throw new TryMailError('entrance.not_found', entranceId ? `no entrance with id '${entranceId}'` : 'there is no entrance with a mail account yet');
  if (!e.account_id) throw new TryMailError('entrance.no_account', `entrance '${e.name}' has no mail account`);
  return e as EntranceRef;
}

export async function tryMail(deps: Deps, raw: Buffer, opts: { entranceId?: string | null } = {}): Promise<TryMailResult> {
  const db = deps.storage.db;
  const now = deps.clock();
  const entrance = await entranceFor(deps, opts.entranceId ?? null);
  const base: TryMailResult = {
    outcome: 'quarantine', entrance: { id: entrance.id, name: entrance.name }, quarantine: null, duplicateOf: null, analysis: null, contactData: null,
    autoAnswer: null, taskType: null, routingRule: null, routing: null,
  };
  const limit = await getMaxMessageBytes(db, entrance.account_id);
  if (raw.length > limit) return { ...base, quarantine: { code: 'message.too_large', reason: `message is ${raw.length} bytes; the account's limit is ${limit} bytes` } };
  // The pipeline's own stages: parse + analyse with the process's compiled configuration.
  const cfg = await ingestConfig(deps);
  const parsed = await parseAndAnalyse({ raw, now, config: { version: cfg.version, categories: cfg.categories, patterns: cfg.patterns, languageMinLength: cfg.settings.languageMinLength } });
  if (!parsed.ok) return { ...base, quarantine: { code: parsed.code, reason: parsed.reason } };
  const { email, key } = parsed;
  const existing = await db.selectFrom('contacts').select('id').where('entrance_id', '=', entrance.id).where('dedupe_key', '=', key).executeTakeFirst();
  const id = `try-${randomUUID()}`;
  try {
    await deps.storage.transaction(async (trx) => {
      const analysis = await threadAndContactData(trx, email, entrance, parsed.result, cfg.settings);
      const placement = await placeContact(deps, trx, { entrance, contactData: analysis.contactData, now });
      const written = await caseAndAnswer(deps, trx, { contactId: id, email, entrance, analysis, now, arrivedAt: now });
      await trx.insertInto('contacts').values({
        id, entrance_id: entrance.id, queue_id: placement.queueId, inbound_message_id: null, dedupe_key: `${key}#${id}`, status: 'queued',
        message_id: email.messageId, subject: email.subject, from_address: email.from?.address ?? null, from_name: email.from?.name || null,
        to_addresses: JSON.stringify(email.to), cc_addresses: JSON.stringify(email.cc), reply_to: JSON.stringify(email.replyTo),
        sent_date: email.date, in_reply_to: email.inReplyTo, references_ids: JSON.stringify(email.references), text_body: '', html_body: null, attachments: '[]',
        contact_data: JSON.stringify(written.contactData), priority: placement.priority, queued_at: now, agent_id: null,
        offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
        case_id: written.caseId, case_number: written.caseNumber, analysis: written.analysis,
      }).execute();
      const row = await trx.selectFrom('contacts').select(['analysis', 'contact_data']).where('id', '=', id).executeTakeFirstOrThrow();
      const stored = row.analysis ? JSON.parse(row.analysis) as StoredAnalysis : null;
      const state = await loadSnapshot(trx, acdSettings(deps), now);
      const decision = decide(state, { type: 'contact.queued', contactId: id }, now);
      const c = decision.state.contacts[id];
      const mine = decision.effects.filter((e) => 'contactId' in e ? e.contactId === id : 'offer' in e && e.offer.contactId === id);
      const find = <T extends AcdEffect['type']>(t: T) => mine.find((e) => e.type === t) as Extract<AcdEffect, { type: T }> | undefined;
      const routingCfg = decision.state.config;
      const rule = c ? routingCfg.routingRules.find((r) => r.destinations === c.route) ?? null : null;
      const queue = c && !c.personalAgentId && c.status !== 'closed' ? routingCfg.queues[c.queueId] : undefined;
      const taskType = c?.taskTypeId ? routingCfg.taskTypes[c.taskTypeId] : undefined;
      const { autoAnswer, analysedAt: _a, body: _b, ...shown } = stored ?? ({} as StoredAnalysis);
      throw new Rollback({
        ...base,
        outcome: existing ? 'duplicate' : 'contact',
        duplicateOf: existing?.id ?? null,
        analysis: stored ? shown : null,
        contactData: JSON.parse(row.contact_data) as Record<string, unknown>,
        autoAnswer: existing ? null : autoAnswer ?? null,
        taskType: taskType ? { id: taskType.id, name: taskType.name } : null,
        routingRule: rule ? { id: rule.id, position: rule.order, criteria: rule.criteria } : null,
        routing: c ? {
          how: find('contact.routed')?.how ?? (c.routing === 'routed' ? 'rule' : null),
          queue: queue ? { id: queue.id, name: queue.name } : c.status !== 'closed' && !c.personalAgentId ? { id: c.queueId, name: c.queueId } : null,
          personalAgentId: c.personalAgentId,
          heldUntil: find('contact.held')?.until ?? null,
          endedReason: c.status === 'closed' ? c.endReason : null,
          forwardedTo: find('contact.forwarded')?.address ?? null,
          offeredTo: find('offer.created')?.offer.agentId ?? null,
        } : null,
      });
    });
  } catch (err) {
    if (err instanceof Rollback) return err.result;
    throw err;
  }
  throw new Error('try-mail: the transaction was not rolled back');
}
