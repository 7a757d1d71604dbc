import { ImapFlow, type MailboxLockObject } from 'imapflow';
import type { Logger } from '../../observability/logger.js';

/**
 * The imapflow-specific half of watching one mailbox: connect, select, list new UIDs, fetch
 * sources in batches, run the after-import action, and report "something changed" (IDLE EXISTS).
 * Cursor, storage, health and reconnects live in the account-server role.
 */

export type Security = 'none' | 'starttls' | 'tls';
export type AfterImportAction = 'seen' | 'move' | 'delete';

export interface ImapMailboxOptions {
  host: string;
  port: number;
  security: Security;
  username: string;
  password: string;
  mailbox: string;
  /** Accept self-signed certificates (explicit per-account opt-in only). */
  allowInvalidCertificate?: boolean;
  /** Restart IDLE this often so a silently broken IDLE is noticed (ms). */
  maxIdleTimeMs?: number;
  /** Inactivity before IDLE starts after a command (ms); small so new mail is seen quickly. */
  autoIdleDelayMs?: number;
  connectionTimeoutMs?: number;
  /** Aborting while connecting closes the connection (once open, use close()). */
  signal?: AbortSignal;
  logger: Logger;
}

export interface BatchLimits { maxBytes: number; maxMessages: number }

/** Messages at least this large are downloaded in chunks (BINARY partial fetches) instead of one FETCH literal. */
export const DOWNLOAD_FROM_BYTES = 1024 * 1024;

export interface FetchedMessage { uid: number; raw: Buffer; /** INTERNALDATE: when the server received it (epoch ms), or null. */ arrivedAt: number | null }

export interface ImapMailbox {
  /** UIDVALIDITY of the selected mailbox as of now (a re-SELECT may change it). */
  uidValidity(): number;
  readonly supportsIdle: boolean;
  /**
   * Yields the messages with UID > afterUid in ascending UID order, in batches planned from the
   * messages' sizes (RFC822.SIZE) so a batch holds at most `limits.maxBytes` of sources and at most
   * `limits.maxMessages` messages; a single message larger than maxBytes is a batch of its own.
   * Sources are streamed (FETCH as an async iterator; `download` in chunks for large ones), so
   * only the current batch is in memory.
   */
  fetchNew(afterUid: number, limits: BatchLimits): AsyncGenerator<FetchedMessage[]>;
  /** Runs the after-import action on the given UIDs (already stored). */
  applyAfterImport(action: AfterImportAction, uids: number[], moveTo: string | null): Promise<void>;
  /** fn runs when the server reports new messages (EXISTS). */
  onNewMail(fn: () => void): void;
  /** Resolves with the reason when the connection ends for any reason. */
  readonly closed: Promise<Error | null>;
  /** Logs out (falls back to a hard close); safe to call more than once. */
  close(): Promise<void>;
}

/** Error raised by this adapter for conditions it detects itself; `code` is stable. */
export class ImapMailboxError extends Error {
  constructor(readonly code: 'imap.move_to_missing' | 'imap.mailbox_missing' | 'imap.action_failed', message: string) {
    super(`${code}: ${message}`);
  }
}

const ACTION_CHUNK = 500;

/** Compacts UIDs into an IMAP sequence set: [1,2,3,7,9,10] → "1:3,7,9:10". */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** A short, human-readable reason for health.lastError, e.g. "AUTHENTICATIONFAILED Authentication failed." */
export function describeImapError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string; response?: unknown; code?: string };
  if (e.authenticationFailed) {
    const text = typeof e.response === 'string' ? e.response.replace(/^\S+\s+NO\s+(\[[^\]]*\]\s*)?/i, '') : e.responseText ?? e.message;
    return `${e.serverResponseCode ?? 'AUTHENTICATIONFAILED'} ${text}`.trim();
  }
  if (e.responseText) return `${e.serverResponseCode ? `${e.serverResponseCode} ` : ''}${e.responseText}`;
  return e.message || e.code || 'unknown error';
}

export interface SizedUid { uid: number; size: number }

/**
 * Groups UIDs (ascending) into batches of at most maxMessages and at most maxBytes by their sizes;
 * a message larger than maxBytes on its own is a batch of one.
 */
export function planBatches(sized: readonly SizedUid[], limits: BatchLimits): SizedUid[][] {
  const out: SizedUid[][] = [];
  let cur: SizedUid[] = [];
  let bytes = 0;
  for (const m of sized) {
    if (cur.length && (bytes + m.size > limits.maxBytes || cur.length >= limits.maxMessages)) { out.push(cur); cur = []; bytes = 0; }
    cur.push(m);
    bytes += m.size;
  }
  if (cur.length) out.push(cur);
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Connects, logs in and selects the mailbox. Throws on failure (connection closed). */
export async function openImapMailbox(opts: ImapMailboxOptions): Promise<ImapMailbox> {
  const quiet = (o: unknown) => opts.logger.debug({ imapflow: o });
  const client = new ImapFlow({
    host: opts.host, port: opts.port,
    secure: opts.security === 'tls',
    doSTARTTLS: opts.security === 'starttls',
    ...(opts.allowInvalidCertificate ? { tls: { rejectUnauthorized: false } } : {}),
    auth: { user: opts.username, pass: opts.password },
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    maxIdleTime: opts.maxIdleTimeMs ?? 4 * 60_000,
    autoIdleDelay: opts.autoIdleDelayMs ?? 250,
    connectionTimeout: opts.connectionTimeoutMs ?? 45_000,
    greetingTimeout: 16_000,
  });
  let resolveClosed!: (e: Error | null) => void;
  const closed = new Promise<Error | null>((r) => { resolveClosed = r; });
  let lastError: Error | null = null;
  let closing = false;
  // Without an 'error' listener an emitted error would crash the process.
  client.on('error', (err: Error) => { lastError = err; opts.logger.debug({ err }, 'imap connection error'); });
  client.on('close', () => resolveClosed(lastError ?? (closing ? null : new Error('connection closed by server'))));
  const newMail = new Set<() => void>();
  // Only growth means new mail; a shrinking count is our own move/delete being reported back.
  client.on('exists', (e: { count: number; prevCount: number }) => { if (e.count > e.prevCount) for (const fn of newMail) fn(); });

  // Holding a mailbox lock keeps auto-IDLE off while we run commands; it resumes after release.
  const withLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    let lock: MailboxLockObject | null = null;
    try {
      lock = await client.getMailboxLock(opts.mailbox);
      return await fn();
    } finally {
      lock?.release();
    }
  };

  const abort = () => { closing = true; client.close(); };
  if (opts.signal?.aborted) throw new Error('aborted');
  opts.signal?.addEventListener('abort', abort, { once: true });

  try {
    await client.connect();
    await withLock(async () => undefined).catch((err: Error & { mailboxMissing?: boolean }) => {
      if (err.mailboxMissing) throw new ImapMailboxError('imap.mailbox_missing', `mailbox '${opts.mailbox}' does not exist`);
      throw err;
    });
  } catch (err) {
    closing = true;
    client.close();
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }

  /** The whole source of one message, read in chunks; null when it no longer exists. */
  const downloadSource = async (uid: number): Promise<Buffer | null> => {
    const d = await client.download(String(uid), undefined, { uid: true, chunkSize: 256 * 1024 });
    if (!d?.content) return null;
    const parts: Buffer[] = [];
    for await (const chunk of d.content as AsyncIterable<Buffer>) parts.push(chunk);
    return Buffer.concat(parts);
  };

  let moveTargetReady = false;
  const ensureFolder = async (path: string) => {
    if (moveTargetReady) return;
    await client.mailboxCreate(path); // resolves with created:false when it already exists
    moveTargetReady = true;
  };

  return {
    uidValidity: () => (client.mailbox ? Number(client.mailbox.uidValidity) : 0),
    supportsIdle: client.capabilities.has('IDLE'),
    closed,
    onNewMail: (fn) => { newMail.add(fn); },

    async *fetchNew(afterUid, limits) {
      // Sizes first (metadata only), then batches planned by bytes.
      const sized: SizedUid[] = [];
      await withLock(async () => {
        for await (const m of client.fetch(`${afterUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
          // "N:*" matches the highest UID even when N is above it: keep only UIDs past the cursor.
          if (m.uid > afterUid) sized.push({ uid: m.uid, size: m.size ?? 0 });
        }
      });
      sized.sort((a, b) => a.uid - b.uid);
      for (const batch of planBatches(sized, limits)) {
        const out = await withLock(async () => {
          const got: FetchedMessage[] = [];
          const small = batch.filter((m) => m.size < DOWNLOAD_FROM_BYTES).map((m) => m.uid);
          if (small.length) {
            for await (const m of client.fetch(uidSet(small), { uid: true, source: true, internalDate: true }, { uid: true })) {
              if (m.uid > afterUid && m.source !== undefined) got.push({ uid: m.uid, raw: m.source, arrivedAt: internalDateMs(m.internalDate) });
            }
          }
          for (const m of batch.filter((b) => b.size >= DOWNLOAD_FROM_BYTES)) {
            const raw = await downloadSource(m.uid);
            if (!raw) continue; // expunged meanwhile
            const meta = await client.fetchOne(String(m.uid), { uid: true, internalDate: true }, { uid: true });
            got.push({ uid: m.uid, raw, arrivedAt: meta ? internalDateMs(meta.internalDate) : null });
          }
          return got.sort((a, b) => a.uid - b.uid);
        });
        if (out.length) yield out;
      }
    },

    async applyAfterImport(action, uids, moveTo) {
      if (uids.length === 0) return;
      await withLock(async () => {
        for (const part of chunks(uids, ACTION_CHUNK)) {
          const range = uidSet(part);
          if (action === 'seen') {
            const ok = await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
            if (!ok) throw new ImapMailboxError('imap.action_failed', `flagging UIDs ${range} \\Seen failed`);
          } else if (action === 'move') {
            if (!moveTo) throw new ImapMailboxError('imap.move_to_missing', 'after-import action is move but no target folder is set');
            await ensureFolder(moveTo);
            const moved = await client.messageMove(range, moveTo, { uid: true });
            if (moved === false) throw new ImapMailboxError('imap.action_failed', `moving UIDs ${range} to '${moveTo}' failed`);
          } else {
            const ok = await client.messageDelete(range, { uid: true });
            if (!ok) throw new ImapMailboxError('imap.action_failed', `deleting UIDs ${range} failed`);
          }
        }
      });
    },

    async close() {
      if (closing) { await closed; return; }
      closing = true;
      try {
        await Promise.race([client.logout(), new Promise((r) => setTimeout(r, 5000).unref())]);
      } catch { /* already gone */ }
      client.close();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}

function internalDateMs(value: Date | string | undefined): number | null {
  if (!value) return null;
  const ms = (value instanceof Date ? value : new Date(value)).getTime();
  return Number.isNaN(ms) ? null : ms;
}
