import type { Transaction } from 'kysely';
import type { Deps } from '../../app/deps.js';
import { effectSubjects } from '../../core/acd/effects.js';
import { toWireEvent } from '../../core/acd/wire.js';
import type { AcdEffect, Agent, Contact, Decision } from '../../core/acd/types.js';
import { appendEvents, type SentEvent } from '../../storage/repositories/events.js';
import type { Database } from '../../storage/schema.js';
import { persistAgent, persistContact, type ContactWrite } from './snapshot.js';
import { queueForward, queueRedirect } from './forward.js';
import { persistAgentsPg, persistContactsPg } from './persist-pg.js';

/**
 * A group of decisions made one at a time on the leader's state in memory and committed together
 * in one transaction (group commit): while one group commits, the next commands wait and then form
 * the next group. The group remembers what its decisions touched: each agent and contact is
 * written once with its state after the group, the event-log entries in one insert, the offers and
 * outbox rows in the order the effects were made. Nothing of it is published before the commit.
 */
export class DecidedGroup {
  private readonly agents = new Map<string, { a: Agent; at: number }>();
  private readonly contacts = new Map<string, ContactWrite>();
  readonly effects: { e: AcdEffect; now: number }[] = [];
  /** Each touched contact's status after the group, closed ones included: what is committed once it commits. */
  readonly status = new Map<string, string>();
  /** Seconds from queueing to the first offer, for the metrics after commit. */
  private readonly offerLatencies: number[] = [];
  private offersMade = 0;
  decisions = 0;

  constructor(private readonly committed: ReadonlyMap<string, string>) {}

  /** Was this contact touched by a decision of this group (so memory knows more than the database)? */
  touches(contactId: string): boolean { return this.status.has(contactId); }

  /** Records a decision just made. Closed contacts leave the open state at once, as they would on a reload. */
  add(d: Decision, now: number): void {
    const s = d.state;
    this.decisions++;
    for (const id of d.touched.agents) { const a = s.agents[id]; if (a) this.agents.set(id, { a, at: now }); }
    for (const id of d.touched.contacts) {
      const c = s.contacts[id];
      if (!c) continue;
      const was = this.status.get(id) ?? this.committed.get(id);
      const w = this.contacts.get(id) ?? { c, at: now };
      w.c = c; w.at = now;
      if (c.status === 'assigned' && was !== 'assigned') w.assignedAt = now;
      if (c.status === 'closed' && was !== 'closed') w.closedAt = now;
      this.contacts.set(id, w);
      this.status.set(id, c.status);
    }
    for (const e of d.effects) {
      this.effects.push({ e, now });
      if (e.type !== 'offer.created' || e.offer.createdAt !== now) continue;
      this.offersMade++;
      const c = s.contacts[e.offer.contactId];
      if (c && c.offerCount === 1) this.offerLatencies.push(Math.max(0, now - c.queuedAt) / 1000);
    }
    for (const [id, st] of this.status) if (st === 'closed') delete s.contacts[id];
  }

  /** The group's rows, event-log entries, offers and outbox rows, in the caller's transaction. */
  async persist(deps: Deps, trx: Transaction<Database>): Promise<Written> {
    if (deps.storage.dialect === 'postgres' && this.agents.size > 1) await persistAgentsPg(trx, [...this.agents.values()]);
    else for (const { a, at } of this.agents.values()) await persistAgent(trx, a, at);
    if (deps.storage.dialect === 'postgres' && this.contacts.size > 1) await persistContactsPg(trx, [...this.contacts.values()]);
    else for (const w of this.contacts.values()) await persistContact(trx, w);
    await persistOffers(trx, this.effects);
    let outbox = false;
    for (const { e, now } of this.effects) {
      if (e.type === 'contact.forwarded') outbox = (await queueForward(deps, trx, e.contactId, e.address, now)) || outbox;
      if (e.type === 'contact.assigned') outbox = (await queueRedirect(deps, trx, e.contactId, e.agentId, now)) || outbox;
    }
    const pushed = await appendEvents(trx, this.effects.map(({ e, now }) => ({ at: now, type: e.type, ...effectSubjects(e), data: e, push: toWireEvent(e, now) })));
    return { pushed, outbox };
  }

  /** After commit: the offer metrics. */
  observe(deps: Pick<Deps, 'metrics'>): void {
    for (const s of this.offerLatencies) deps.metrics.offerLatency.observe(s);
    if (this.offersMade) deps.metrics.offersCreated.inc(this.offersMade);
  }
}

/** What a group wrote: the pushed events with their event-log ids, and whether an outbox row was written. */
export interface Written { pushed: SentEvent[]; outbox: boolean }

/** Offers made in one insert; resolved ones in one update per status and time (an offer made and resolved in one group: insert first). */
async function persistOffers(trx: Transaction<Database>, effects: { e: AcdEffect; now: number }[]): Promise<void> {
  const made = effects.flatMap(({ e }) => (e.type === 'offer.created' ? [e.offer] : []));
  for (let i = 0; i < made.length; i += 500) {
    await trx.insertInto('offers').values(made.slice(i, i + 500).map((o) => ({
      id: o.id, contact_id: o.contactId, agent_id: o.agentId, status: 'open' as const, created_at: o.createdAt, expires_at: o.expiresAt, resolved_at: null,
    }))).execute();
  }
  const resolved = new Map<string, { status: 'accepted' | 'declined' | 'expired' | 'withdrawn'; at: number; ids: string[] }>();
  for (const { e, now } of effects) {
    if (e.type !== 'offer.withdrawn' && e.type !== 'offer.accepted') continue;
    const status = e.type === 'offer.accepted' ? 'accepted' : e.reason === 'declined' ? 'declined' : e.reason === 'expired' ? 'expired' : 'withdrawn';
    const key = `${status}:${now}`;
    const r = resolved.get(key) ?? { status, at: now, ids: [] };
    r.ids.push(e.offer.id);
    resolved.set(key, r);
  }
  for (const r of resolved.values()) {
    for (let i = 0; i < r.ids.length; i += 500) {
      await trx.updateTable('offers').set({ status: r.status, resolved_at: r.at }).where('id', 'in', r.ids.slice(i, i + 500)).execute();
    }
  }
}
