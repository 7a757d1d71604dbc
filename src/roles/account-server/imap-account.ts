import type { Deps } from '../../app/deps.js';
import type { Logger } from '../../observability/logger.js';
import type { AccountRow } from '../../storage/schema.js';
import { backoffDelay, type BackoffOptions } from '../../core/backoff.js';
import { advanceCursor, getCursor, markSourceActionDone, pendingSourceActions, storeInboundBatch } from '../../storage/repositories/inbound.js';
import { ImapMailboxError, describeImapError, openImapMailbox, type ImapMailbox } from '../../adapters/imap/watcher.js';
import { healthReporter, interruptibleSleep, type AccountState } from './health.js';

/**
 * One IMAP account: connect, catch up (pending after-import actions first, then new UIDs),
 * then wait for IDLE EXISTS or the poll timer; reconnect with back-off on any failure.
 * Store first, act on the source second: a crash in between leaves 'pending' rows that the
 * next run finishes.
 */

export interface ImapAccountOptions {
  /** A fetch batch's bounds: messages and bytes of sources held at once (defaults: 200, 8 MB). */
  batchSize?: number;
  batchBytes?: number;
  /** Called after each batch is stored and acted on at the source (tests, metrics). */
  onBatch?: (batch: FetchedBatchInfo) => void;
  backoff?: BackoffOptions;
  /** Passed through to the adapter (tests use small values). */
  maxIdleTimeMs?: number;
}

export interface FetchedBatchInfo { messages: number; bytes: number; firstUid: number; lastUid: number }

export const DEFAULT_BATCH_BYTES = 8 * 1024 * 1024;

export interface AccountWatcher {
  /**
   * Stops cleanly (in-flight batch finished, logged out), then writes `finalState` as the
   * account's health: 'stopped' on shutdown (default), 'disabled' for a disabled account,
   * null to leave it (a restart with new settings).
   */
  stop(opts?: { finalState?: AccountState | null }): Promise<void>;
}

export class AccountConfigError extends Error {
  constructor(readonly code: 'account.password_missing' | 'account.password_unreadable' | 'account.username_missing', message: string) {
    super(`${code}: ${message}`);
  }
}

export function startImapAccount(deps: Deps, account: AccountRow, log: Logger, opts: ImapAccountOptions = {}): AccountWatcher {
  const health = healthReporter(deps, account.id, log);
  const pause = interruptibleSleep();
  const limits = { maxMessages: opts.batchSize ?? 200, maxBytes: opts.batchBytes ?? DEFAULT_BATCH_BYTES };
  const source = { account: account.address };
  let stopping = false;
  let attempt = 0; // consecutive failures; reset by a successful run, not by a mere login
  const aborter = new AbortController();
  let session: ImapMailbox | null = null;
  let endSession: ((err: Error | null) => void) | null = null;

  const credentials = () => {
    if (!account.username) throw new AccountConfigError('account.username_missing', 'no username configured');
    if (!account.password_secret) throw new AccountConfigError('account.password_missing', 'no password configured');
    try {
      return { username: account.username, password: deps.secrets.open(account.password_secret) };
    } catch (err) {
      throw new AccountConfigError('account.password_unreadable', `cannot decrypt the stored password (${(err as Error).message})`);
    }
  };

  /** One catch-up run on an open session. */
  const runOnce = async (mailbox: ImapMailbox): Promise<void> => {
    const db = deps.storage.db;
    const uidvalidity = mailbox.uidValidity();
    const cursor = await getCursor(db, account.id);
    let lastUid = 0;
    if (cursor && cursor.uidvalidity === uidvalidity && cursor.mailbox === account.mailbox) {
      lastUid = cursor.last_uid;
    } else if (cursor) {
      // The email server de-duplicates by Message-ID, so re-storing old mail creates no duplicate contacts.
      log.warn({ oldUidvalidity: cursor.uidvalidity, uidvalidity, oldMailbox: cursor.mailbox, mailbox: account.mailbox }, 'UIDVALIDITY or mailbox changed: re-scanning from UID 1');
      await advanceCursor(db, account.id, account.mailbox, uidvalidity, 0, deps.clock());
    }

    // Finish after-import actions left over from a crash or a failed earlier run.
    const pending = await pendingSourceActions(db, account.id, uidvalidity);
    if (pending.length) {
      log.info({ count: pending.length }, 'finishing pending after-import actions');
      await mailbox.applyAfterImport(account.after_import, pending.map((p) => Number(p.uid)), account.move_to);
      await markSourceActionDone(db, pending.map((p) => Number(p.id)));
    }

    let fetchedTotal = 0;
    for await (const batch of mailbox.fetchNew(lastUid, limits)) {
      if (fetchedTotal === 0) await health.set('fetching');
      deps.metrics.messagesFetched.inc(source, batch.length);
      // The whole batch in one transaction; only then is the source touched.
      const results = await storeInboundBatch(deps.storage, batch.map((msg) => ({ accountId: account.id, uidvalidity, uid: msg.uid, raw: msg.raw, sourceAction: 'pending' as const, arrivedAt: msg.arrivedAt })), deps.clock(), { mailbox: account.mailbox });
      const storedIds = results.flatMap((r) => (r.stored && r.id !== null ? [r.id] : []));
      if (storedIds.length) deps.metrics.messagesStored.inc({ ...source, source: 'imap' }, storedIds.length);
      fetchedTotal += batch.length;
      if (storedIds.length) await deps.bus.publish('inbound', { accountId: account.id }).catch((err) => log.warn({ err }, 'bus publish failed'));
      // Every UID in the batch is stored now (new or from before), so the source may be touched.
      await mailbox.applyAfterImport(account.after_import, batch.map((m) => m.uid), account.move_to);
      await markSourceActionDone(db, storedIds);
      opts.onBatch?.({ messages: batch.length, bytes: batch.reduce((n, m) => n + m.raw.length, 0), firstUid: batch[0].uid, lastUid: batch[batch.length - 1].uid });
      if (stopping) break; // never stop inside a batch; between batches is fine
    }
    if (fetchedTotal) log.info({ fetched: fetchedTotal }, 'mailbox run done');
    attempt = 0;
    await health.set(mailbox.supportsIdle ? 'idle' : 'polling', { success: true, error: null });
  };

  /** Serves one connection until it drops, a run fails, or stop() is called. */
  const serve = async (mailbox: ImapMailbox): Promise<Error | null> => {
    let running: Promise<void> | null = null;
    let again = false;
    const ended = new Promise<Error | null>((resolve) => { endSession = resolve; });
    const kick = (): Promise<void> => {
      if (running) { again = true; return running; }
      running = (async () => {
        try {
          do { again = false; await runOnce(mailbox); } while (again && !stopping);
        } catch (err) {
          endSession?.(err as Error);
        } finally {
          running = null;
        }
      })();
      return running;
    };
    mailbox.onNewMail(() => { if (!stopping) void kick(); });
    void mailbox.closed.then((err) => endSession?.(err ?? null));
    const pollMs = Math.max(1, account.poll_interval_seconds) * 1000;
    // With IDLE the timer is only a safety sweep for a lost notification.
    const timer = setInterval(() => { if (!stopping) void kick(); }, pollMs);
    timer.unref();
    try {
      await kick();
      const reason = await ended;
      return reason;
    } finally {
      clearInterval(timer);
      endSession = null;
      const inFlight = running as Promise<void> | null;
      if (inFlight) await inFlight; // let the current batch finish before logging out
    }
  };

  /** 'error' needs an admin (bad password, bad config); 'backoff' may heal on its own. */
  const needsAdmin = (err: unknown) => err instanceof AccountConfigError
    || (err as { authenticationFailed?: boolean } | null)?.authenticationFailed === true
    || (err instanceof ImapMailboxError && err.code !== 'imap.action_failed');

  const loop = async (): Promise<void> => {
    while (!stopping) {
      let failure: unknown = null;
      await health.set('connecting');
      try {
        const { username, password } = credentials();
        session = await openImapMailbox({
          host: account.host, port: account.port, security: account.security, username, password,
          mailbox: account.mailbox || 'INBOX', allowInvalidCertificate: account.allow_self_signed === 1, logger: log, signal: aborter.signal, ...(opts.maxIdleTimeMs ? { maxIdleTimeMs: opts.maxIdleTimeMs } : {}),
        });
        if (stopping) break;
        log.info({ idle: session.supportsIdle }, 'connected');
        failure = await serve(session);
      } catch (err) {
        failure = err;
      } finally {
        const s = session;
        session = null;
        await s?.close().catch(() => undefined);
      }
      if (stopping) break;
      const text = failure ? describeImapError(failure) : 'connection closed';
      const delay = backoffDelay(attempt++, opts.backoff);
      log.warn({ error: text, retryInMs: delay }, 'mailbox connection failed');
      await health.set(needsAdmin(failure) ? 'error' : 'backoff', { error: text });
      if (!stopping) await pause.sleep(delay); // stop() may have come during the health write
    }
  };

  const done = loop().catch((err) => log.error({ err }, 'account watcher crashed'));

  return {
    async stop({ finalState = 'stopped' } = {}) {
      stopping = true;
      if (!session) aborter.abort(); // still connecting: give up now; an open session logs out below
      pause.interrupt();
      endSession?.(null);
      await done;
      if (finalState) await health.set(finalState);
    },
  };
}
