import type { Deps } from '../app/deps.js';
import { lastEventId, pushedEventsSince } from '../storage/repositories/events.js';

/**
 * One 'events' bus subscription per process, fanning pushed events out to that process's
 * WebSockets by agent. A bus message is a hint: the hub reads the event log once from the last id
 * it has seen (every agent's events, in id order: gap-free, see repositories/events.ts), turns
 * each event into text once, and sends it to the sockets of its agent and of the supervisors.
 * A socket joins with the id it has (hello's lastEventId, ?since= or a resume message); its own
 * replay runs inside the hub's chain, so no live event overtakes it and none is sent twice.
 */
export interface HubClient {
  /** Whose events: the agent's id; null = every agent's (supervisors and admins). */
  readonly agentId: string | null;
  /** The last event id this socket was sent (or told about); only greater ids are sent. */
  lastSent: number;
  isOpen(): boolean;
  send(text: string): void;
}

export interface EventHub {
  /** Runs step in the hub's order (after every fan-out started before), e.g. hello + replay; errors go to onError. */
  run(step: () => Promise<void>): Promise<void>;
  /** Sends the client every event of theirs after client.lastSent from the log; call inside run(). */
  replay(client: HubClient): Promise<void>;
  join(client: HubClient): () => void;
  /** The id up to which the hub has fanned out (for hello messages). */
  lastEventId(): Promise<number>;
}

const hubs = new WeakMap<Deps['bus'], EventHub>();
const PAGE = 500;

export function eventHub(deps: Deps, onError: (err: unknown) => void): EventHub {
  let hub = hubs.get(deps.bus);
  if (hub) return hub;
  const db = deps.storage.db;
  const byAgent = new Map<string, Set<HubClient>>();
  const everyone = new Set<HubClient>();
  let seen: number | null = null;
  let chain: Promise<void> = Promise.resolve();
  let fanOutQueued = false;

  const run = (step: () => Promise<void>): Promise<void> => (chain = chain.then(step).catch(onError));
  const start = async (): Promise<number> => (seen ??= await lastEventId(db));

  const fanOut = async (): Promise<void> => {
    fanOutQueued = false;
    if (byAgent.size === 0 && everyone.size === 0) { seen = null; return; } // nobody listens: start afresh at the next join
    let from = await start();
    for (;;) {
      const batch = await pushedEventsSince(db, from, null, PAGE);
      for (const e of batch) {
        from = e.id;
        const text = JSON.stringify(e);
        const send = (c: HubClient) => { if (e.id > c.lastSent && c.isOpen()) { c.lastSent = e.id; c.send(text); } };
        if (e.agentId) for (const c of byAgent.get(e.agentId) ?? []) send(c);
        for (const c of everyone) send(c);
      }
      seen = from;
      if (batch.length < PAGE) return;
    }
  };

  const unsubscribe = deps.bus.subscribe('events', () => {
    if (fanOutQueued) return; // one read covers every hint that came in meanwhile
    fanOutQueued = true;
    void run(fanOut);
  });
  void unsubscribe; // for the process's lifetime, like the bus

  hub = {
    run,
    async replay(client) {
      await start();
      for (;;) {
        const batch = await pushedEventsSince(db, client.lastSent, client.agentId, PAGE);
        for (const e of batch) {
          if (e.id <= client.lastSent || !client.isOpen()) continue;
          client.lastSent = e.id;
          client.send(JSON.stringify(e));
        }
        if (batch.length < PAGE) return;
      }
    },
    join(client) {
      if (client.agentId === null) everyone.add(client);
      else {
        let set = byAgent.get(client.agentId);
        if (!set) byAgent.set(client.agentId, (set = new Set()));
        set.add(client);
      }
      return () => {
        everyone.delete(client);
        const set = client.agentId === null ? undefined : byAgent.get(client.agentId);
        set?.delete(client);
        if (set?.size === 0) byAgent.delete(client.agentId!);
      };
    },
    lastEventId: () => start().then(() => lastEventId(db)),
  };
  hubs.set(deps.bus, hub);
  return hub;
}
