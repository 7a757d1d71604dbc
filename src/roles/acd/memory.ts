import type { Transaction } from 'kysely';
import type { Deps } from '../../app/deps.js';
import { admitContact } from '../../core/acd/admit.js';
import { decide, nextDue } from '../../core/acd/decide.js';
import type { AcdEvent, AcdRejection, AcdState, Contact } from '../../core/acd/types.js';
import { LOCKS, type Storage } from '../../storage/db.js';
import type { Database } from '../../storage/schema.js';
import { acdSettings, publishAll, type AcdOutcome } from './engine.js';
import { AcdUnavailableError, answerCommandRows } from './commands.js';
import { DecidedGroup, type Written } from './group.js';
import { validLeaseHolder } from './leader.js';
import { loadContacts, loadSnapshot, queueStats } from './snapshot.js';

/**
 * The queue engine's leader: the open state (agents, open contacts, open offers, routing config)
 * in memory, loaded once when it takes the lease. Events are applied one at a time with the pure
 * decide(). Group commit: events that arrive while a commit is in flight wait; then they are
 * decided one at a time on the state in memory and committed together in ONE transaction (their
 * rows, event-log entries, outbox rows and command answers: group.ts), under the ACD lock and only
 * while this instance still holds the lease. Their effects are published, and each caller answered,
 * only after that commit. A failed commit discards the in-memory state (decide updates it in place),
 * the next group reloads it from the database, where nothing of the failed group is, and every
 * caller of the group gets AcdUnavailableError (nothing was done; retry).
 */
export class NotLeaderError extends Error {
  constructor() { super('this instance does not lead the queue engine'); this.name = 'NotLeaderError'; }
}

/** Called in the group's transaction: command rows are answered here. */
export type OnAnswer = (trx: Transaction<Database>, outcome: AcdOutcome) => Promise<void>;

/** Thrown by an OnAnswer whose command is no longer waiting (its sender cancelled it): that command is dropped, the rest of its group decided again. */
export class CommandGoneError extends Error {
  constructor() { super('the command was cancelled by its sender'); this.name = 'CommandGoneError'; }
}

export interface ApplyOptions {
  contact?: Contact;
  onAnswer?: OnAnswer;
  /** A command row (commands.ts) answered in the group's transaction: a group's rows in one statement. */
  commandId?: number;
}
interface Pending { event: AcdEvent; opts: ApplyOptions; resolve(o: AcdOutcome): void; reject(err: unknown): void }
interface Member { p: Pending; outcome: AcdOutcome }

/** At most this many events in one transaction. */
const MAX_GROUP = 500;

const leaders = new WeakMap<Storage, AcdLeader>();
/** The leader running in this process for this database, if any (the ACD role registers it). */
export const leaderFor = (storage: Storage): AcdLeader | undefined => leaders.get(storage);

const STATS_REFRESH_MS = 60_000;

/** A contact from an entrance the cached configuration does not know (a new account): reload first. */
const fitsConfig = (s: AcdState, c: Contact): boolean => !c.entranceId || !!s.config.entrances[c.entranceId];

export class AcdLeader {
  private state: AcdState | null = null;
  /** Each open contact's status as committed: a group sets assigned_at / closed_at on a change. */
  private committed = new Map<string, string>();
  private tail: Promise<unknown> = Promise.resolve();
  private statsAt = 0;
  private readonly queue: Pending[] = [];
  private draining = false;
  /** Set by the ACD role while this instance holds the lease. */
  leading = false;
  /** How many times the state was loaded from the database (takeover, config change, failed commit). */
  loads = 0;
  /** Group transactions committed, and the events decided in them (for tests and the benchmarks). */
  commits = 0;
  grouped = 0;

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

  /** Runs fn after every earlier call has finished: one group (or load, or sweep) at a time. */
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
   * Applies one event: answered after the commit of the group it is decided in. `contact` hands
   * over a new contact's record with its `contact.queued` (no database read); `onAnswer` runs in
   * the group's transaction.
   */
  apply(_deps: Deps, event: AcdEvent, opts: ApplyOptions = {}): Promise<AcdOutcome> {
    return new Promise<AcdOutcome>((resolve, reject) => {
      this.queue.push({ event, opts, resolve, reject });
      this.kick();
    });
  }

  /**
   * One group at a time; events arriving meanwhile wait for the next. A group starts on the next
   * turn of the event loop, after the requests already received have submitted their events: on
   * SQLite a commit never yields to the event loop, so without that wait every group would be one event.
   */
  private kick(): void {
    if (this.draining || this.queue.length === 0) return;
    this.draining = true;
    setImmediate(() => { void this.serial(() => this.commitGroup()).finally(() => { this.draining = false; this.kick(); }); });
  }

  private async commitGroup(): Promise<void> {
    const batch = this.queue.splice(0, MAX_GROUP);
    const fail = (members: Pending[], err: unknown) => { for (const p of members) p.reject(err); };
    if (!this.leading) return fail(batch, new NotLeaderError());
    const deps = this.deps;
    let members: Member[];
    let group: DecidedGroup;
    try {
      ({ members, group } = await this.decideGroup(batch));
    } catch (err) {
      this.invalidate();
      return fail(batch, err instanceof NotLeaderError ? err : new AcdUnavailableError('the queue engine could not load its state; nothing was done, please retry', 1));
    }
    if (members.length === 0) return;
    let written: Written = { pushed: [], outbox: false };
    const gone = new Set<Member>();
    if (group.decisions > 0 || members.some((m) => m.p.opts.onAnswer || m.p.opts.commandId !== undefined)) {
      try {
        written = await deps.storage.transaction(async (trx) => {
          if (group.decisions > 0) {
            const holder = await validLeaseHolder(trx, Date.now());
            if (holder !== this.instance) throw new NotLeaderError();
          }
          const wrote = group.decisions > 0 ? await group.persist(deps, trx) : written;
          for (const m of members) {
            try { await m.p.opts.onAnswer?.(trx, m.outcome); } catch (err) { if (err instanceof CommandGoneError) gone.add(m); throw err; }
          }
          const commands = members.filter((m) => m.p.opts.commandId !== undefined);
          if (commands.length > 0) {
            const answered = await answerCommandRows(trx, deps.storage.dialect === 'postgres', this.instance, commands.map((m) => ({ id: m.p.opts.commandId!, outcome: m.outcome })));
            for (const m of commands) if (!answered.has(m.p.opts.commandId!)) gone.add(m);
            if (gone.size > 0) throw new CommandGoneError();
          }
          return wrote;
        }, group.decisions > 0 ? LOCKS.acd : undefined);
      } catch (err) {
        this.invalidate();
        if (err instanceof NotLeaderError) { this.leading = false; return fail(members.map((m) => m.p), err); }
        if (gone.size > 0) {
          // A sender cancelled its command: drop it, decide the others again (nothing of them was committed).
          for (const m of gone) m.p.reject(err);
          this.queue.unshift(...members.filter((m) => !gone.has(m)).map((m) => m.p));
          return;
        }
        deps.logger.warn({ err, events: members.length }, 'queue engine: a group commit failed; its commands are refused (retryable) and the state reloaded');
        return fail(members.map((m) => m.p), new AcdUnavailableError('the queue engine could not commit the decision; nothing was done, please retry', 1));
      }
    }
    this.commits++;
    this.grouped += members.length;
    for (const [id, st] of group.status) { if (st === 'closed') this.committed.delete(id); else this.committed.set(id, st); }
    group.observe(deps);
    try { await publishAll(deps, written); } catch (err) { deps.logger.warn({ err }, 'queue engine: publishing committed effects failed; agents catch up from the event log'); }
    const due = this.state ? nextDue(this.state) : null;
    for (const m of members) m.p.resolve(m.outcome.ok ? { ...m.outcome, nextDue: due } : m.outcome);
  }

  /**
   * Decides the batch one event at a time on the state in memory. An event that needs the state
   * reloaded first (a hand-off the state cannot admit, a rejection the database may know better)
   * starts a group of its own: it and the rest of the batch go back to the front of the queue.
   */
  private async decideGroup(batch: Pending[]): Promise<{ members: Member[]; group: DecidedGroup }> {
    const deps = this.deps;
    let state = await this.ensure(deps.clock());
    const group = new DecidedGroup(this.committed);
    const members: Member[] = [];
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      const now = deps.clock();
      const first = members.length === 0;
      if (p.opts.contact && !(fitsConfig(state, p.opts.contact) && admitContact(state, p.opts.contact))) {
        if (!first) { this.queue.unshift(...batch.slice(i)); break; }
        this.invalidate();
        state = await this.ensure(now);
      }
      let decision = decide(state, p.event, now);
      if (decision.rejected && await this.databaseKnowsMore(p.event, decision.rejected, group)) {
        if (!first) { this.queue.unshift(...batch.slice(i)); break; }
        // Records made outside the engine since the load (a new user, a contact inserted directly): reload once.
        this.invalidate();
        state = await this.ensure(now);
        decision = decide(state, p.event, now);
      }
      if (decision.rejected) { members.push({ p, outcome: { ok: false, ...decision.rejected } }); continue; }
      group.add(decision, now);
      members.push({ p, outcome: { ok: true, effects: decision.effects, nextDue: null } });
    }
    return { members, group };
  }

  /** Is the rejection only because the state in memory is older than the database? */
  private async databaseKnowsMore(event: AcdEvent, r: AcdRejection, group: DecidedGroup): Promise<boolean> {
    const db = this.deps.storage.db;
    const state = this.state;
    if (!state) return false;
    if (r.code === 'agent.unknown') {
      const ids = [('agentId' in event ? event.agentId : null), ('to' in event && 'agentId' in event.to ? event.to.agentId : null)].filter((x): x is string => !!x && !state.agents[x]);
      if (ids.length === 0) return false;
      return (await db.selectFrom('agent_states').select('user_id').where('user_id', 'in', ids).execute()).length > 0;
    }
    if (r.code === 'contact.unknown' && 'contactId' in event && !state.contacts[event.contactId] && !group.touches(event.contactId)) {
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
