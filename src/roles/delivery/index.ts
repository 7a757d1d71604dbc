import type { Deps, StopRole } from '../../app/deps.js';
import { join } from 'node:path';
import { journalKey, openSentJournal } from '../../adapters/fs/sent-journal.js';
import { createMailSender, type MailSender } from '../../adapters/smtp-out/sender.js';
import { backoffDelay } from '../../core/backoff.js';
import { classifySmtpFailure } from '../../core/email/redirect.js';
import { claimOutbox, deferOutbox, markOutboxFailed, markOutboxSent, nextOutboxDue, outboxBacklog, releaseOutboxClaims, SENT_BEFORE_RESTART, type ClaimedOutboxRow } from '../../storage/repositories/outbox.js';
import type { OutboxRow } from '../../storage/schema.js';
import { startRunner } from '../runner.js';
import { groupCommitter, type GroupCommitter } from './group-commit.js';
import { deliverSentCopy, PermanentDeliveryError, recordReplyOutcome, type DeliveryResult } from './replies.js';

export const MAX_DELIVERY_ATTEMPTS = 10;
/** A row for a switched-off SMTP server looks again this often (enabling it wakes the rows at once). */
export const DISABLED_SERVER_RECHECK_MS = 60_000;
/**
 * Rows of a batch in flight at once. One: every send in flight is one more message inside SMTP's
 * own duplicate window (RFC 1047: the relay has taken it, its 250 not yet read) when the process
 * dies. Three at once drained ~60 rows/s instead of ~33 in the SQLite chaos run, but resent 5
 * automatic answers over 20 kills of the sending process.
 */
const SENDS_AT_ONCE = 1;
/**
 * How long a sent row's outcome waits for others before their group is committed (rows sent
 * while a group commit is in flight join the next group; the end of a batch commits at once).
 */
const SENT_GROUP_LINGER_MS = 50;

/** A claimed batch, a few rows at a time; after a failure no further row is started; all settle, then the first failure is thrown. */
async function deliverAll<R>(rows: R[], deliver: (row: R) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const lane = async () => {
    while (next < rows.length && !failure) {
      const row = rows[next++];
      try { await deliver(row); } catch (err) { failure ??= { err }; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SENDS_AT_ONCE, rows.length) }, lane));
  if (failure) throw (failure as { err: unknown }).err;
}

/**
 * Delivers the transactional outbox: redirects to external-client agents, and later
 * automatic answers and replies. Each row is claimed with a lease (several workers are
 * safe), sent through its account's SMTP server, and retried with back-off on temporary
 * failures. A permanent failure, or too many attempts, marks the row failed with the reason.
 * A row whose SMTP server an administrator switched off waits (pending, with that reason; an
 * answer shows it as retrying) and does not use up its attempts.
 *
 * A row is 'sending' (claimed, committed) before its SMTP transaction, and noted in the sent
 * journal the moment the relay answers 250, before the commit that marks it sent: a process
 * killed in between finds the note when it starts again (or a worker sharing the data
 * directory finds it when the lease expires) and records the row sent without sending again.
 *
 * Sent rows' outcomes are committed in groups (one transaction for the rows sent while the
 * previous group commit was in flight, or within SENT_GROUP_LINGER_MS, or the rest of a batch at
 * its end), while the next row is sent; their answer.state events are published after that
 * commit, in send order. The window this opens is the one the journal already covers: each note
 * is written at its 250, before the row joins a group. A group commit that fails keeps its notes
 * and is tried again (a sent row is never counted as failed), and no further row is sent while
 * it fails. Other outcomes (a failure, a disabled server) commit the group before them first.
 */
export async function startDelivery(deps: Deps, opts: { sweepMs?: number; sender?: MailSender } = {}): Promise<StopRole> {
  const log = deps.logger.child({ role: 'delivery' });
  const sender = opts.sender ?? createMailSender(deps.secrets, deps.config.dataDir);
  type SmtpServer = Awaited<ReturnType<typeof loadSmtpServer>>;
  const loadSmtpServer = async (accountId: string) => await deps.storage.db.selectFrom('accounts').innerJoin('smtp_servers', 'smtp_servers.id', 'accounts.smtp_server_id')
    .select(['smtp_servers.id', 'smtp_servers.host', 'smtp_servers.port', 'smtp_servers.security', 'smtp_servers.auth_user', 'smtp_servers.auth_secret', 'smtp_servers.auth_method', 'smtp_servers.allow_self_signed', 'smtp_servers.name', 'smtp_servers.disabled'])
    .where('accounts.id', '=', accountId).executeTakeFirst() ?? null;
  /**
   * An account's SMTP server, looked up once per claimed batch (its rows mostly share an account):
   * `servers` is the batch's own map, so an administrator's change is seen by the next batch.
   */
  const smtpServerOf = (accountId: string | null, servers: Map<string, Promise<SmtpServer>>): Promise<SmtpServer> => {
    if (!accountId) return Promise.resolve(null);
    let server = servers.get(accountId);
    if (!server) {
      server = loadSmtpServer(accountId);
      servers.set(accountId, server);
      server.catch(() => servers.delete(accountId)); // a failed look-up is not kept
    }
    return server;
  };

  const journal = openSentJournal(join(deps.config.dataDir, 'sent-journal'), deps.config.instanceId);
  /**
   * A row's outcome other than sent (those go in groups, below) and, for an agent's answer, its
   * state and event: one transaction; events published after commit.
   */
  const finish = async (row: OutboxRow, result: DeliveryResult & { ok: false }, opts: { waiting?: boolean } = {}): Promise<void> => {
    const now = deps.clock();
    const events = await deps.storage.transaction(async (trx) => {
      if (opts.waiting && result.retryAt !== null) await deferOutbox(trx, row.id, result.error, result.retryAt);
      else await markOutboxFailed(trx, row.id, result.error, result.retryAt);
      return recordReplyOutcome(trx, row, result, now);
    }); // an answer.state event is pushed: appendEvent takes LOCKS.events, so ids follow commit order
    journal.settle(journalKey(row));
    for (const e of events) await deps.bus.publish('events', e);
  };

  /** A row the relay took (or a note said it had): its outcome, its note's settling, its events, logged afterwards. */
  interface Sent { row: OutboxRow; note?: string; warning?: string; result: 'sent' | 'sent_before_restart'; log: () => void }
  /** Sent rows' outcomes in one transaction (their answers' states and events in it too). */
  const commitSent = (group: Sent[]) => {
    const now = deps.clock();
    return deps.storage.transaction(async (trx) => {
      const events = [];
      for (const s of group) {
        await markOutboxSent(trx, s.row.id, now, s.note ?? s.warning);
        events.push(...await recordReplyOutcome(trx, s.row, { ok: true, warning: s.warning }, now));
      }
      return events;
    }); // answer.state events are pushed: appendEvent takes LOCKS.events, so ids follow commit order
  };
  /** After the commit: notes settled, events published in order (never committed twice for a failed publish). */
  const afterSent = async (group: Sent[], events: Awaited<ReturnType<typeof commitSent>>) => {
    for (const s of group) journal.settle(journalKey(s.row));
    for (const e of events) await deps.bus.publish('events', e);
    for (const s of group) {
      deps.metrics.outboxSent.inc({ kind: s.row.kind, result: s.result });
      s.log();
    }
  };
  /** A batch's sent outcomes: kept trying while the database is away (a restart takes seconds), as one row's was. */
  const sentGroup = (): GroupCommitter<Sent> => groupCommitter(commitSent, {
    lingerMs: SENT_GROUP_LINGER_MS, retries: 60, retryDelayMs: 1000, after: afterSent,
    onRetry: (err, size) => log.warn({ err, rows: size }, 'could not record sent outbox messages yet; retrying'),
  });
  const sentBeforeRestart = (row: OutboxRow): Sent => ({
    row, note: SENT_BEFORE_RESTART, result: 'sent_before_restart',
    log: () => log.warn({ outboxId: row.id, kind: row.kind }, 'outbox message was sent before a restart (sent journal): recorded as sent, not sent again'),
  });

  const deliver = async (row: ClaimedOutboxRow, sent: GroupCommitter<Sent>, servers: Map<string, Promise<SmtpServer>>): Promise<void> => {
    // an earlier attempt (killed, or its run failed) may have ended between the 250 and its commit;
    // a released claim does not count as an attempt, so every row is looked up: in this instance's
    // notes, and in the previous claimer's file when the row was taken over from another instance
    const key = journalKey(row);
    if (journal.has(key, row.previous_claimer)) {
      journal.record(key); // taken over: the note now follows this claim (a no-op for our own note)
      sent.add(sentBeforeRestart(row));
      return;
    }
    await sent.ready(); // no further send while recording the sent ones fails
    const server = row.kind === 'sent_copy' ? null : await smtpServerOf(row.account_id, servers);
    if (server?.disabled) {
      const reason = `waiting: the SMTP server '${server.name}' is disabled; this mail is sent when an administrator enables it again`;
      await sent.drain();
      await finish(row, { ok: false, error: reason, retryAt: deps.clock() + DISABLED_SERVER_RECHECK_MS }, { waiting: true });
      log.info({ outboxId: row.id, smtpServer: server.name }, 'outbox message waits for its disabled SMTP server');
      return;
    }
    let via: string;
    let refused: string[] = [];
    try {
      ({ via, refused = [] } = row.kind === 'sent_copy'
        ? { ...await deliverSentCopy(deps, row), refused: [] }
        : await sender.send(server, { from: row.envelope_from, to: JSON.parse(row.envelope_to) as string[] }, row.raw, `${row.id}-${row.kind}`));
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string };
      const kind = err instanceof PermanentDeliveryError ? 'permanent' : classifySmtpFailure(e);
      const text = `${kind}: ${e.message ?? String(err)}`;
      const retryAt = kind === 'permanent' || row.attempts >= MAX_DELIVERY_ATTEMPTS ? null : deps.clock() + backoffDelay(row.attempts - 1, { baseMs: 2000, maxMs: 10 * 60_000 });
      await sent.drain(); // outcomes (and their events) in the order of the sends
      await finish(row, { ok: false, error: text, retryAt });
      deps.metrics.outboxSent.inc({ kind: row.kind, result: retryAt === null ? 'failed' : 'retry' });
      log.warn({ outboxId: row.id, error: text, retryAt }, retryAt === null ? 'outbox message failed for good' : 'outbox message will be retried');
      return;
    }
    // The mail has left: noted at once (no await since the 250), so a kill before the commit does not send it twice.
    journal.record(key);
    // Outside the catch: a problem recording the success must never be taken for a failed send (and retried).
    // Some recipients refused, the others accepted: sent (never again to those who have it), with a warning the agent sees.
    const warning = refused.length ? `sent, but the mail server refused ${refused.join('; ')}` : undefined;
    sent.add({
      row, warning, result: 'sent',
      log: () => {
        if (warning) log.warn({ outboxId: row.id, kind: row.kind, contactId: row.contact_id, via, refused }, 'outbox message sent; some recipients were refused');
        else log.info({ outboxId: row.id, kind: row.kind, contactId: row.contact_id, via }, 'outbox message sent');
      },
    });
  };

  // Rows this instance noted as sent in an earlier life and never committed: recorded sent now.
  const earlier = sentGroup();
  for (const key of journal.unsettled()) {
    const row = await deps.storage.db.selectFrom('outbox').selectAll().where('id', '=', Number(key.split('@')[0])).executeTakeFirst();
    if (row && journalKey(row) === key && ['pending', 'sending'].includes(row.status)) earlier.add(sentBeforeRestart(row));
    else journal.settle(key);
  }
  await earlier.drain();
  // A restart under the same instance id (SWITCHYARD_INSTANCE_ID) takes back what it held when it
  // was killed at once, rather than after the 2-minute lease.
  const released = await releaseOutboxClaims(deps.storage.db, deps.config.instanceId, deps.clock());
  if (released > 0) log.warn({ released }, 'outbox rows claimed before a restart are claimable again');

  // A run that failed part-way (the database went away) leaves the rest of its batch claimed:
  // the next run takes them back at once rather than after the lease (runs never overlap, and the
  // sent journal keeps a row that did leave from going twice).
  let batchAbandoned = false;
  const runner = startRunner(async (stopped) => {
    if (batchAbandoned) {
      const back = await releaseOutboxClaims(deps.storage.db, deps.config.instanceId, deps.clock());
      batchAbandoned = false;
      if (back > 0) log.warn({ released: back }, 'outbox rows left claimed by a failed run are claimable again');
    }
    while (!stopped()) {
      const batch = await claimOutbox(deps.storage, deps.config.instanceId, 20, deps.clock(), 2 * 60_000);
      if (batch.length === 0) break;
      const sent = sentGroup();
      const servers = new Map<string, Promise<SmtpServer>>();
      try {
        // a failed row's error is thrown after its batch's sent outcomes are committed (or given up)
        let failure: { err: unknown } | null = null;
        await deliverAll(batch, (row) => deliver(row, sent, servers)).catch((err: unknown) => { failure = { err }; });
        await sent.drain();
        if (failure) throw (failure as { err: unknown }).err;
      } catch (err) { batchAbandoned = true; throw err; }
    }
    deps.metrics.outboxBacklog.set(await outboxBacklog(deps.storage.db));
    // Sleep until the next retry is due (a hint or the sweep may come earlier).
    runner.at(stopped() ? null : await nextOutboxDue(deps.storage.db));
  }, { bus: deps.bus, topic: 'outbox', sweepMs: opts.sweepMs ?? 5000, clock: deps.clock, onError: (err) => log.error({ err }, 'delivery run failed; will retry') });

  return async () => {
    await runner.stop();
    sender.close();
    journal.close();
  };
}
