import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { sql } from 'kysely';
import type { Storage } from './db.js';

/**
 * Wake-ups and live events between roles. Published after the data is committed,
 * so a subscriber that wakes up always finds it. On PostgreSQL it is LISTEN/NOTIFY
 * (roles may be separate processes on separate machines); on SQLite it is in-process.
 * Subscribers must treat a message as a hint: every role also sweeps periodically,
 * so a lost notification delays work but never loses it.
 */
export type Topic = 'inbound' | 'acd' | 'outbox' | 'events' | 'accounts' | 'acd-command' | 'acd-answer' | 'acd-handoff' | 'config';

export interface Bus {
  publish(topic: Topic, payload?: unknown): Promise<void>;
  /** Several messages on one topic, delivered in order (on PostgreSQL in one round trip). */
  publishMany?(topic: Topic, payloads: unknown[]): Promise<void>;
  subscribe(topic: Topic, fn: (payload: unknown) => void): () => void;
  close(): Promise<void>;
  /** Messages reach every process on the database (PostgreSQL), not only this one (SQLite). */
  readonly crossProcess?: boolean;
  /**
   * Publishes and resolves once this process has heard its own message back from the database
   * (or after `timeoutMs`). PostgreSQL signals every listener at the same commit, so by then the
   * other processes have been told too: for announcements that must take effect before a response
   * leaves (a sign-out). Without it: publish.
   */
  publishHeard?(topic: Topic, payload: Record<string, unknown>, timeoutMs?: number): Promise<void>;
}

const CHANNEL = 'switchyard';

/**
 * One message to every process listening on this database, from a process without a bus (the
 * CLI). On PostgreSQL a NOTIFY on the bus's channel; on SQLite there is no other process to tell
 * (caches there expire by themselves).
 */
export async function notifyOnce(storage: Storage, topic: Topic, payload: unknown): Promise<void> {
  if (storage.dialect !== 'postgres') return;
  await sql`select pg_notify(${CHANNEL}, ${JSON.stringify({ t: topic, p: payload ?? null })})`.execute(storage.db);
}

export function createLocalBus(): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(topic, payload) { emitter.emit(topic, payload ?? null); },
    subscribe(topic, fn) { emitter.on(topic, fn); return () => { emitter.off(topic, fn); }; },
    async close() { emitter.removeAllListeners(); },
  };
}

export async function createPostgresBus(storage: Storage, databaseUrl: string, onError: (err: Error) => void): Promise<Bus> {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  /** publishHeard's messages not heard back yet, by their nonce. */
  const hearing = new Map<string, () => void>();
  let client: pg.Client | null = null;
  let closed = false;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', (msg) => {
      if (!msg.payload) return;
      try {
        const { t, p } = JSON.parse(msg.payload) as { t: Topic; p: unknown };
        local.emit(t, p);
        const heard = (p as { heard?: unknown } | null)?.heard;
        if (typeof heard === 'string') hearing.get(heard)?.();
      } catch { /* not ours */ }
    });
    // Only the established client reconnects; a failing attempt reports through its promise.
    const lost = (err: Error) => { if (client === c) { client = null; c.end().catch(() => undefined); scheduleReconnect(err); } };
    c.on('error', lost);
    c.on('end', () => lost(new Error('bus connection ended')));
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      c.end().catch(() => undefined);
      throw err;
    }
    if (closed) { await c.end().catch(() => undefined); return; }
    client = c;
  };
  // One retry chain at a time, until the server is back (a restart takes seconds); sweeps cover the gap.
  let reconnecting = false;
  const scheduleReconnect = (err: Error) => {
    if (closed || reconnecting) return;
    reconnecting = true;
    onError(err);
    const retry = () => {
      if (closed) { reconnecting = false; return; }
      connect().then(() => {
        reconnecting = false;
        // Announcements made while this process was deaf are lost: every cache in it starts afresh.
        local.emit('config', null);
      }, (e: Error) => { onError(e); setTimeout(retry, 1000).unref(); });
    };
    setTimeout(retry, 1000).unref();
  };
  await connect();
  const publish = async (topic: Topic, payload?: unknown): Promise<void> => {
    const text = JSON.stringify({ t: topic, p: payload ?? null });
    if (Buffer.byteLength(text) > 7900) throw new Error('bus payload too large');
    // A configuration change applies in this process at once (the NOTIFY reaches it again later: harmless).
    if (topic === 'config') local.emit(topic, payload ?? null);
    await sql`select pg_notify(${CHANNEL}, ${text})`.execute(storage.db);
  };
  return {
    crossProcess: true,
    publish,
    async publishHeard(topic, payload, timeoutMs = 2000) {
      const nonce = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      const heard = new Promise<void>((resolve) => { hearing.set(nonce, resolve); timer = setTimeout(resolve, timeoutMs); });
      try {
        await publish(topic, { ...payload, heard: nonce });
        await heard;
      } finally { clearTimeout(timer); hearing.delete(nonce); }
    },
    async publishMany(topic, payloads) {
      if (topic === 'config') { for (const p of payloads) await publish(topic, p); return; }
      const texts = payloads.map((p) => JSON.stringify({ t: topic, p: p ?? null }));
      if (texts.some((t) => Buffer.byteLength(t) > 7900)) throw new Error('bus payload too large');
      // One statement: its notifications are queued in the order of the array's rows.
      for (let i = 0; i < texts.length; i += 200) {
        await sql`select pg_notify(${CHANNEL}, x) from unnest(${texts.slice(i, i + 200)}::text[]) with ordinality as u(x, n)`.execute(storage.db);
      }
    },
    subscribe(topic, fn) { local.on(topic, fn); return () => { local.off(topic, fn); }; },
    async close() {
      closed = true;
      local.removeAllListeners();
      await client?.end().catch(() => undefined);
    },
  };
}
