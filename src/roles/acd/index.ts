import type { Deps, StopRole } from '../../app/deps.js';
import type { Contact } from '../../core/acd/types.js';
import { answerCommands, pruneCommands } from './commands.js';
import { AcdLeader } from './memory.js';
import { releaseLead, tryLead } from './leader.js';
import { startRunner } from '../runner.js';

/**
 * The ACD role: the queue engine's leader (memory.ts) while this instance holds the lease, on
 * either backend; a standby otherwise, taking over when the lease expires (under 10 s). The leader
 * loads the open state once when it takes the lease; it then decides arrivals ('acd' bus hints and
 * hand-offs), commands (in-process, or from other processes over the command table) and its
 * timers (offer expiry, wrap-up, escalation, relaxation, opening hours). A periodic sweep renews
 * the lease and covers lost hints. A lease that lapsed (a long pause) means another instance may
 * have decided meanwhile: the state is reloaded.
 */
export const LEASE_MS = 6000;

export async function startAcd(deps: Deps, opts: { sweepMs?: number } = {}): Promise<StopRole> {
  const log = deps.logger.child({ role: 'acd' });
  const me = deps.config.instanceId;
  const leader = new AcdLeader(deps, me);
  let leaseUntil = 0;
  let lastPrune = 0;
  let kickRunner = (): void => undefined;

  const renew = async (): Promise<boolean> => {
    const now = Date.now();
    const was = leader.leading;
    const ok = await tryLead(deps.storage.db, me, now, LEASE_MS);
    if (ok && (!was || now >= leaseUntil)) leader.invalidate(); // new, or lapsed: load from the database
    leader.leading = ok;
    if (ok) { leaseUntil = now + LEASE_MS; leader.register(); } else { leader.invalidate(); leader.unregister(); }
    if (ok !== was) log.info({ instance: me }, ok ? 'queue engine: leader' : 'queue engine: standing by');
    if (ok && !was) kickRunner(); // taken over: load and decide at once
    return ok;
  };

  // Lead at once when nobody does, so commands submitted right after the start reach this leader.
  await renew();

  // One pass over the command table at a time; calls during a pass cause exactly one more.
  let answering: Promise<void> | null = null;
  let answerAgain = false;
  const answer = (): Promise<void> => {
    if (answering) { answerAgain = true; return answering; }
    answering = (async () => {
      try { do { answerAgain = false; await answerCommands(deps, leader); } while (answerAgain && leader.leading); } finally { answering = null; }
    })();
    return answering;
  };

  // The lease is renewed on its own timer, never queued behind the engine's work (a long burst of
  // commands must not let it lapse).
  let renewing: Promise<unknown> = Promise.resolve();
  const renewSoon = () => { renewing = renewing.then(renew).catch((err: unknown) => log.error({ err }, 'renewing the queue-engine lease failed')); };
  const renewTimer = setInterval(renewSoon, LEASE_MS / 3);

  const runner = startRunner(async () => {
    if (!leader.leading) return;
    await leader.load();
    await leader.sweep();
    if (deps.storage.dialect === 'postgres') {
      await answer();
      if (Date.now() - lastPrune > 600_000) { lastPrune = Date.now(); await pruneCommands(deps, Date.now()); }
    }
    const out = await leader.apply(deps, { type: 'tick' });
    if (out.ok) runner.at(out.nextDue);
  }, {
    bus: deps.bus, topic: 'acd', sweepMs: opts.sweepMs ?? 2000, clock: deps.clock,
    onError: (err) => log.error({ err }, 'queue engine run failed'),
  });
  kickRunner = () => runner.kick();
  // Commands from other processes are answered at once, between the runner's runs.
  const unsubscribe = deps.bus.subscribe('acd-command', () => {
    if (leader.leading) answer().catch((err) => log.error({ err }, 'answering commands failed'));
  });
  // New contacts handed over by email servers in other processes (in-process ones call the leader directly).
  const unsubscribeHandOff = deps.bus.subscribe('acd-handoff', (p) => {
    const h = p as { contact?: Contact; contacts?: Contact[]; contactId?: string } | null;
    if (!leader.leading || !h) return;
    (async () => {
      const contacts = h.contacts ?? [h.contact ?? (h.contactId ? await leader.contactRecord(h.contactId) : undefined)];
      for (const contact of contacts) if (contact) await leader.apply(deps, { type: 'contact.queued', contactId: contact.id }, { contact });
    })().catch((err: unknown) => log.warn({ err }, 'hand-off failed; the sweep routes the contact'));
  });
  // Routing configuration changed (any process): the next decision uses it.
  const unsubscribeConfig = deps.bus.subscribe('config', (p) => {
    const scope = (p as { scope?: string } | null)?.scope;
    if (scope === undefined || scope === 'routing') leader.invalidate();
  });
  log.info('queue engine started');
  return async () => {
    unsubscribe();
    unsubscribeHandOff();
    unsubscribeConfig();
    clearInterval(renewTimer);
    await runner.stop();
    await renewing;
    leader.leading = false;
    leader.unregister();
    await releaseLead(deps.storage.db, me).catch(() => undefined);
    log.info('queue engine stopped');
  };
}
