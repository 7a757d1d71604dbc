import type { Transaction } from 'kysely';
import type { Deps } from '../../app/deps.js';
import { admitContact } from '../../core/acd/admit.js';
import { decide, nextDue } from '../../core/acd/decide.js';
import type { AcdEvent, AcdRejection, AcdState, Contact } from '../../core/acd/types.js';
import { LOCKS, type Storage } from '../../storage/db.js';
import type { Database } from '../../storage/schema.js';
import { acdSettings, persistAll, publishAll, type AcdOutcome, type Written } from './engine.js';
import { validLeaseHolder } from './leader.js';
import { loadContacts, loadSnapshot, queueStats } from './snapshot.js';

/**
 * The queue engine's leader: the open state (agents, open contacts, open offers, routing config)
 * in memory, loaded once when it takes the lease. Events are applied one at a time with the pure
 * decide(); each decision's rows, event-log entries and outbox rows are committed in one
 * transaction, under the ACD lock and only while this instance still holds the lease, BEFORE its
 * effects are published. A failed commit discards the in-memory state (decide updates it in place)
 * and the next event reloads it from the database, where nothing decided is lost.
 */
export class NotLeaderError extends Error {
  constructor() { super('this instance does not lead the queue engine'); this.name = 'NotLeaderError'; }
}

/** Called in the decision's transaction (or, for a rejection, in one of its own): command rows are answered here. */
export type OnAnswer = (trx: Transaction<Database>, outcome: AcdOutcome) => Promise<void>;

const leaders = new WeakMap<Storage, AcdLeader>();
/** The leader running in this process for this database, if any (the ACD role registers it). */
export const leaderFor = (storage: Storage): AcdLeader | undefined => leaders.get(storage);

const STATS_REFRESH_MS = 60_000;

/** A contact from an entrance the cached configuration does not know (a new account): reload first. */
const fitsConfig = (s: AcdState, c: Contact): boolean => !c.entranceId || !!s.config.entrances[c.entranceId];

export class AcdLeader {
  private state: AcdState | null = null;
  /** Each open contact's status as committed: persistDecision sets assigned_at / closed_at on a change. */
  private committed = new Map<string, string>();
  private tail: Promise<unknown> = Promise.resolve();
  private statsAt = 0;
  /** Set by the ACD role while this instance holds the lease. */
  leading = false;
  /** How many times the state was loaded from the database (takeover, config change, failed commit). */
  loads = 0;

  constructor(private readonly deps: Deps, readonly instance: string) {}

  register(): void { leaders.set(this.deps.storage, this); }
  unregister(): void { if (leaders.get(this.deps.storage) === this) leaders.delete(this.deps.storage); }

  /** The state is reloaded before the next event (configuration changed, lease lapsed, commit failed). */
  invalidate(): void { this.state = null; }

  /** A deep copy of the current state without its index, for tests and diagnostics. */
  snapshot(): Omit<AcdState, 'index'> | null {
    if (!this.state) return null;
    const { index: _index, ...rest } = this.state;
    return structuredClone(rest);
  }

  /** Runs fn after every earlier call has finished: one event at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async ensure(now: number): Promise<AcdState> {
    if (this.state) return this.state;
    // Under the ACD lock: every decision committed before (by a former leader) is visible.
    const state = await this.deps.storage.transaction((trx) => loadSnapshot(trx, acdSettings(this.deps), now), LOCKS.acd);
    this.committed = new Map(Object.values(state.contacts).map((c) => [c.id, c.status]));
    this.state = state;
    this.statsAt = now;
    this.loads++;
    return state;
  }

  /** Loads the state now if it is not loaded (taking the lease). */
  load(): Promise<void> { return this.serial(async () => { await this.ensure(this.deps.clock()); }); }

  /**
   * Applies one event. `contact` hands over a new contact's record with its `contact.queued`
   * (no database read); `onAnswer` runs in the decision's transaction.
   */
  apply(deps: Deps, event: AcdEvent, opts: { contact?: Contact; onAnswer?: OnAnswer } = {}): Promise<AcdOutcome> {
    return this.serial(async () => {
      if (!this.leading) throw new NotLeaderError();
      const now = deps.clock();
      let state = await this.ensure(now);
      if (opts.contact && !(fitsConfig(state, opts.contact) && admitContact(state, opts.contact))) { this.invalidate(); state = await this.ensure(now); }
      let decision = decide(state, event, now);
      if (decision.rejected && await this.databaseKnowsMore(event, decision.rejected)) {
        // Records made outside the engine since the load (a new user, a contact inserted directly): reload once.
        this.invalidate();
        state = await this.ensure(now);
        decision = decide(state, event, now);
      }
      if (decision.rejected) {
        const rejected: AcdOutcome = { ok: false, ...decision.rejected };
        if (opts.onAnswer) await deps.storage.transaction((trx) => opts.onAnswer!(trx, rejected));
        return rejected;
      }
      const outcome: AcdOutcome = { ok: true, effects: decision.effects, nextDue: null };
      let written: Written;
      try {
        written = await deps.storage.transaction(async (trx) => {
          const holder = await validLeaseHolder(trx, Date.now());
          if (holder !== this.instance) throw new NotLeaderError();
          const wrote = await persistAll(deps, trx, decision, now, this.committed);
          await opts.onAnswer?.(trx, outcome);
          return wrote;
        }, LOCKS.acd);
      } catch (err) {
        this.invalidate();
        if (err instanceof NotLeaderError) this.leading = false;
        throw err;
      }
      for (const id of decision.touched.contacts) {
        const c = state.contacts[id];
        if (!c) continue;
        // Closed contacts leave the open state, as they would on a reload.
        if (c.status === 'closed') { delete state.contacts[id]; this.committed.delete(id); } else this.committed.set(id, c.status);
      }
      await publishAll(deps, written);
      return { ...outcome, nextDue: nextDue(state) };
    });
  }

  /** Is the rejection only because the state in memory is older than the database? */
  private async databaseKnowsMore(event: AcdEvent, r: AcdRejection): Promise<boolean> {
    const db = this.deps.storage.db;
    const state = this.state;
    if (!state) return false;
    if (r.code === 'agent.unknown') {
      const ids = [('agentId' in event ? event.agentId : null), ('to' in event && 'agentId' in event.to ? event.to.agentId : null)].filter((x): x is string => !!x && !state.agents[x]);
      if (ids.length === 0) return false;
      return (await db.selectFrom('agent_states').select('user_id').where('user_id', 'in', ids).execute()).length > 0;
    }
    if (r.code === 'contact.unknown' && 'contactId' in event && !state.contacts[event.contactId]) {
      const row = await db.selectFrom('contacts').select('status').where('id', '=', event.contactId).executeTakeFirst();
      return !!row && row.status !== 'closed';
    }
    if (r.code === 'queue.unknown' && 'to' in event && 'queueId' in event.to) {
      return !!(await db.selectFrom('queues').select('id').where('id', '=', event.to.queueId).executeTakeFirst());
    }
    return false;
  }

  /**
   * The leader's sweep: contacts waiting to be routed that it was not handed (a lost hand-off, a
   * contact written by another tool) join the state; the queue statistics are refreshed now and then.
   */
  sweep(): Promise<void> {
    return this.serial(async () => {
      const state = this.state;
      if (!state || !this.leading) return;
      const db = this.deps.storage.db;
      const pending = await db.selectFrom('contacts').select('id').where('routing', 'in', ['pending', 'held']).where('status', '=', 'queued').execute();
      const missing = pending.map((r) => r.id).filter((id) => !state.contacts[id]);
      for (let i = 0; i < missing.length; i += 500) {
        const part = missing.slice(i, i + 500);
        for (const c of await loadContacts(db, (q) => q.where('id', 'in', part))) {
          if (!(fitsConfig(state, c) && admitContact(state, c))) { this.invalidate(); return; }
          this.committed.set(c.id, c.status);
        }
      }
      const now = this.deps.clock();
      if (now - this.statsAt >= STATS_REFRESH_MS) { state.stats = await queueStats(db, now); this.statsAt = now; }
    });
  }

  /** The new contact's record as stored, for a hand-off whose sender could not include it. */
  async contactRecord(id: string): Promise<Contact | undefined> {
    return (await loadContacts(this.deps.storage.db, (q) => q.where('id', '=', id)))[0];
  }
}
