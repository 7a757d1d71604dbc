import { execFileSync } from 'node:child_process';
import type { Storage } from '../../../src/storage/db.js';
import type { DialectName } from '../../../src/storage/db.js';
import type { MailStack } from '../../support/mailstack/stack.js';
import { createTestDatabase, type TestDatabase } from '../../support/storage.js';
import { CHAOS_ADMIN_PASSWORD, startCluster, type Cluster, type MemberSpec } from './cluster.js';
import { apiClient, injectMail, pause, runAgents, type AgentSpec, type Json } from './load.js';
import { inboxHeaders, judge, NOTHING_FOUND, readState, type Figures, type Found, type Mailbox } from './verify.js';

/**
 * One chaos run: a Switchyard deployment under load (customer mail through Postfix, automatic
 * answers on, agents accepting and closing, some in external-client mode) while processes are
 * SIGKILLed and the mail servers and the database go away; then the outcome is judged.
 */
export interface ScenarioOptions {
  dialect: DialectName;
  members: MemberSpec[];
  mails: number;
  kills: number;
  outageSeconds: number;
  pgRestart: boolean;
  stack: MailStack;
  tag: string;
  log: (line: string) => void;
}

export interface Outcome {
  figures: Figures;
  kills: { at: number; member: string; midBatch: boolean }[];
  outages: string[];
  accountRecovery: string;
  unplannedExits: number;
  failedStarts: number;
  injectRetries: number;
  loadSeconds: number;
  recoverSeconds: number;
  totalSeconds: number;
  agentsMode: string;
  tails: string;
}

const CUSTOMERS = 10;
/** Account health states of a connected watcher. */
const WORKING = ['idle', 'polling', 'fetching'];
const AGENTS = 6;
/** At least this long between two kills (and each victim up again first). */
const MIN_KILL_GAP_MS = 1000;

export async function runScenario(o: ScenarioOptions): Promise<Outcome> {
  const tStart = Date.now();
  const { stack, tag } = o;
  const host = stack.layout.host;
  const ports = stack.layout.ports;
  const box = (name: string): Mailbox => ({ address: `${name}-${tag}@example.test`, password: 'chaos-password' });
  const support = box('support');
  const customers = Array.from({ length: CUSTOMERS }, (_, k) => box(`customer${k}`));
  const agents: (AgentSpec & { box: Mailbox | null })[] = Array.from({ length: AGENTS }, (_, k) => ({
    username: `agent${k}`, password: 'agent-password-1', external: k % 2 === 0, box: k % 2 === 0 ? box(`agent${k}`) : null,
  }));
  stack.addUsers([support, ...customers, ...agents.flatMap((a) => (a.box ? [a.box] : []))].map((b) => [b.address, b.password]));
  for (const b of [support, ...customers]) waitLogin(stack, b);

  const tdb: TestDatabase = await createTestDatabase(o.dialect);
  let storage = null as Storage | null;
  const db = async <T>(fn: (s: Storage) => Promise<T>): Promise<T> => {
    try {
      storage ??= await tdb.open();
      return await fn(storage);
    } catch (err) {
      await storage?.close().catch(() => undefined);
      storage = null;
      throw err;
    }
  };
  // no undo window for agents' answers (the default 10 s would only delay the end of the run)
  const cluster: Cluster = await startCluster(tdb, o.members, { SWITCHYARD_UNDO_SEND_SECONDS: '0' });
  let stopAgents = false;
  const problemsDuringRun: string[] = [];
  try {
    await cluster.ready(90_000);
    const api = apiClient(() => cluster.webBases());
    const admin = (await api.call('POST', '/api/v1/session', null, { username: 'admin', password: CHAOS_ADMIN_PASSWORD })).token as string;
    const call = (m: string, p: string, b?: unknown) => api.call(m, p, admin, b);
    const smtp = await call('POST', '/api/v1/smtp-servers', { name: 'postfix', host, port: ports.smtp, security: 'none' });
    const template = await call('POST', '/api/v1/answer-templates', { name: 'received', defaultLanguage: 'en', versions: {
      en: { subject: 'We received: {{originalSubject}}', body: 'Hello {{customerName}}, your case number is {{caseNumber}}.' },
    } });
    const account = await call('POST', '/api/v1/accounts', {
      address: support.address, protocol: 'imap', host, port: ports.imap, security: 'none', username: support.address, password: support.password,
      afterImport: 'seen', smtpServerId: smtp.id, returnAddress: support.address, pollIntervalSeconds: 5,
    });
    await call('PUT', `/api/v1/entrances/${account.entranceId}/auto-answer`, { mode: 'always', templateId: template.id, quoting: 'none' });
    const externalIds = new Set<string>();
    for (const a of agents) {
      const u = await call('POST', '/api/v1/users', { username: a.username, displayName: a.username, password: a.password, role: 'agent', capacity: 5, ...(a.box ? { email: a.box.address } : {}) });
      a.id = u.id as string;
      if (a.external) externalIds.add(a.id);
    }
    await waitUntil(async () => ['idle', 'polling'].includes((await call('GET', `/api/v1/accounts/${account.id}`)).health?.state), 60_000, 'the account watching');

    // ---- the run: load, kills and outages at once
    const window = 24 + 2 * o.outageSeconds;
    const t0 = Date.now();
    const at = (s: number) => pause(Math.max(0, t0 + s * 1000 - Date.now()));
    o.log(`[${tag}] load: ${o.mails} mails over ~${Math.round(window * 0.8)} s; ${o.kills} kills; outages of ${o.outageSeconds} s`);
    const agentsDone = runAgents(api, agents, () => stopAgents, true);
    const injection = injectMail({
      host, port: ports.smtp, to: support.address, count: o.mails, perSecond: o.mails / (window * 0.8), concurrency: 8, run: tag,
      customer: (i) => customers[i % CUSTOMERS].address.replace('@', `+m${i}@`), stopped: () => Date.now() - t0 > 600_000,
    });

    // While Dovecot is down and until the account reports healthy again, the process watching the
    // account is not killed: its recovery must come without a restart.
    let accountWindow: Promise<void> = Promise.resolve();
    let accountWindowOpen = false;
    let killInFlight: Promise<void> = Promise.resolve();
    let accountRecovery = '';
    const watchesAccount = (name: string) => o.members.find((m) => m.name === name)!.roles.includes('account-server');
    const accountHealth = async () => (await db((st) => st.db.selectFrom('accounts').select(['health_state', 'health_last_error']).execute()))[0];

    const kills: Outcome['kills'] = [];
    const killing = (async () => {
      // every member in turn; the account's watcher gives its turn to the next one while its recovery is judged
      const owed = Array.from({ length: o.kills }, (_, k) => o.members[k % o.members.length].name);
      const eligible = () => owed.findIndex((name) => !(watchesAccount(name) && accountWindowOpen));
      let lastKill = 0;
      for (let k = 0; k < o.kills; k++) {
        await at(2 + ((window - 4) * k) / Math.max(1, o.kills - 1));
        let member = '';
        let midBatch = false;
        for (;;) {
          if (eligible() < 0) await accountWindow;
          member = owed[eligible()];
          // a victim that is up and working (killing a process still starting proves little), kills apart
          await cluster.ready(120_000, [member]).catch(() => undefined);
          await pause(Math.max(0, lastKill + MIN_KILL_GAP_MS - Date.now()));
          midBatch = await db((st) => busyWith(st, member)).catch(() => false);
          // the account window may have opened meanwhile; from this check to the kill there is no await
          if (owed[eligible()] === member) break;
        }
        owed.splice(owed.indexOf(member), 1);
        lastKill = Date.now();
        killInFlight = cluster.kill(member);
        await killInFlight;
        kills.push({ at: (Date.now() - t0) / 1000, member, midBatch });
        o.log(`[${tag}] t=${((Date.now() - t0) / 1000).toFixed(1)}s SIGKILL ${member}${midBatch ? ' (mid-batch)' : ''}`);
      }
    })();

    const outages: string[] = [];
    const D = o.outageSeconds;
    const now = () => `t=${((Date.now() - t0) / 1000).toFixed(1)}s`;
    // each step waits `after` seconds from the end of the previous one (a slow stop or start does not shorten an outage)
    const drill = async (what: string, after: number, fn: () => void) => { await pause(after * 1000); fn(); o.log(`[${tag}] ${now()} ${what}`); };
    const outaging = (async () => {
      await at(3);
      let release = () => undefined as void;
      accountWindow = new Promise<void>((r) => { release = () => { accountWindowOpen = false; r(); }; });
      accountWindowOpen = true;
      const watcher = cluster.members.find((m) => watchesAccount(m.name))!;
      await killInFlight; // a kill sent just before the window counts before it
      await cluster.ready(120_000, [watcher.name]);
      const restartsBefore = watcher.restarts;
      await drill('Dovecot stopped', 0, () => stack.stopDovecot());
      const down = Date.now();
      const sawTrouble = await waitUntil(async () => !WORKING.includes((await accountHealth()).health_state), D * 1000, 'the account reporting the outage').then(() => true, () => false);
      await drill('Dovecot started', Math.max(0, D - (Date.now() - down) / 1000), () => stack.startDovecot());
      const back = Date.now();
      // connected again: waiting for mail, or fetching what piled up during the outage
      await waitUntil(async () => WORKING.includes((await accountHealth()).health_state), 120_000, 'the account healthy again').catch(() => undefined);
      const healthy = WORKING.includes((await accountHealth().catch(() => ({ health_state: '?' }))).health_state);
      accountRecovery = `account ${sawTrouble ? 'reported the Dovecot outage and ' : 'did not report the outage; '}${healthy ? `was healthy again ${((Date.now() - back) / 1000).toFixed(1)} s after Dovecot returned` : 'was NOT healthy 120 s after Dovecot returned'}, ${watcher.restarts === restartsBefore ? 'without a restart' : 'but its process restarted'}`;
      if (!healthy || watcher.restarts !== restartsBefore || !sawTrouble) problemsDuringRun.push(accountRecovery);
      o.log(`[${tag}] ${accountRecovery}`);
      release();
      outages.push(`Dovecot down ${((back - down) / 1000).toFixed(0)} s`);
      await drill('SMTP relay refusing (450)', 3, () => stack.refuseSmtp(true));
      const refusing = Date.now();
      await drill('SMTP relay down', 10, () => stack.stopPostfix());
      const relayDown = Date.now();
      await drill('SMTP relay up', D, () => { stack.refuseSmtp(false); stack.startPostfix(); });
      outages.push(`SMTP relay refusing ${((relayDown - refusing) / 1000).toFixed(0)} s, then down ${((Date.now() - relayDown) / 1000).toFixed(0)} s`);
      if (o.dialect === 'postgres' && o.pgRestart) {
        await drill('PostgreSQL restarted', 3, () => execFileSync('bash', ['-c', 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart'], { stdio: 'ignore' }));
        outages.push('PostgreSQL restarted');
      }
    })();

    const { sent, retries } = await injection;
    await Promise.all([killing, outaging]);
    const faultsEnd = Date.now();
    o.log(`[${tag}] faults over at t=${((faultsEnd - t0) / 1000).toFixed(1)}s; ${sent.length} mails accepted by Postfix (${retries} retries); waiting for recovery`);

    // ---- recovery: everything processed, answered, delivered and closed
    const readMailboxes = async (): Promise<Found> => {
      const inCustomers = (await Promise.all(customers.map((c) => inboxHeaders(host, ports.imap, c, ['in-reply-to', 'auto-submitted', 'message-id'])))).flat();
      const redirects = (await Promise.all(agents.filter((a) => a.box).map((a) => inboxHeaders(host, ports.imap, a.box!, ['x-switchyard-contact-id']))))
        .flat().map((h) => h['x-switchyard-contact-id'] ?? '');
      const sentFolder = await inboxHeaders(host, ports.imap, support, ['message-id'], 'Sent');
      return {
        answers: inCustomers.filter((h) => h['auto-submitted']).map((h) => ({ inReplyTo: h['in-reply-to'] ?? '', messageId: h['message-id'] ?? '' })), redirects,
        customerMessageIds: inCustomers.filter((h) => !h['auto-submitted']).map((h) => h['message-id'] ?? ''),
        sentFolderIds: sentFolder.map((h) => h['message-id'] ?? ''),
      };
    };
    let figures: Figures | null = null;
    let work: Awaited<typeof agentsDone> | null = null;
    const deadline = Date.now() + Math.max(300_000, o.mails * 250);
    let reported = Date.now();
    while (Date.now() < deadline) {
      await pause(2000);
      try {
        const state = await db(readState);
        const quick = judge(sent, state, NOTHING_FOUND, externalIds);
        if (Date.now() - reported > 10_000) {
          reported = Date.now();
          const pending = state.outbox.filter((r) => r.status !== 'sent');
          o.log(`[${tag}] +${((Date.now() - faultsEnd) / 1000).toFixed(0)}s: contacts ${state.contacts.length}/${sent.length}, stored not processed ${state.unprocessedInbound}, `
            + `outbox not sent ${pending.length} (${pending.slice(0, 2).map((r) => `${r.status} ${r.attempts}×: ${r.last_error?.slice(0, 80)}`).join('; ')}), open contacts ${quick.contactsOpen}, `
            + `postfix queue ${stack.queueSize()}${quick.unhealthyAccounts.length ? `, ${quick.unhealthyAccounts.join('; ')}` : ''}`);
        }
        if (quick.lost || quick.unprocessed || quick.unhealthyAccounts.length) continue;
        // the pipeline is through: the agents stop, and what they accepted must be delivered
        if (!stopAgents) { stopAgents = true; work = await agentsDone; continue; }
        const boxes = await readMailboxes();
        figures = judge(sent, state, boxes, externalIds);
        if (figures.problems.length === 0) break;
      } catch { /* the database or a mailbox is not back yet */ }
    }
    const doneAt = Date.now();
    stopAgents = true;
    work ??= await agentsDone;
    await pause(1000);
    // the final word, after a pause in which anything late (a duplicate) would have arrived
    const state = await db(readState);
    const boxes = await readMailboxes();
    figures = judge(sent, state, boxes, externalIds);
    figures.problems.push(...problemsDuringRun);
    // one message in flight per sending process: a kill can leave at most one message inside SMTP's 250 window
    if (figures.resent > kills.length) figures.problems.push(`${figures.resent} messages resent, more than the ${kills.length} kills can explain: ${figures.resentMessageIds.join(' ')}`);
    o.log(`[${tag}] agents accepted ${work.accepted.size}, answered ${work.answered.size} through the API (${work.answerUnsure.size} requests without a seen outcome, not repeated), closed ${work.closed.size} (${work.errors} failed requests, retried); ${figures.contactsOpen} contacts still waiting for an agent when the run ended`);
    if (figures.acceptedByExternal === 0 || figures.accepted === figures.acceptedByExternal) figures.problems.push('agents of both kinds (built-in and external-client) must have accepted contacts');
    const tails = figures.problems.length ? cluster.members.map((m) => cluster.tail(m.name, 3000)).join('\n') : '';
    return {
      figures, kills, outages, accountRecovery, unplannedExits: cluster.members.reduce((s, m) => s + m.unplannedExits, 0),
      failedStarts: cluster.members.reduce((s, m) => s + m.failedStarts, 0), injectRetries: retries,
      loadSeconds: (faultsEnd - t0) / 1000, recoverSeconds: (doneAt - faultsEnd) / 1000, totalSeconds: (Date.now() - tStart) / 1000,
      agentsMode: 'built-in agents accept, answer (POST /api/v1/contacts/:id/answers) and close; external-client agents accept (redirect) and close', tails,
    };
  } finally {
    stopAgents = true;
    await cluster.stop();
    await storage?.close().catch(() => undefined);
    await tdb.drop().catch(() => undefined);
  }
}

/** Whether a member holds claimed work right now (stored messages or outbox rows): a kill then lands mid-batch. */
async function busyWith(s: Storage, member: string): Promise<boolean> {
  const inbound = await s.db.selectFrom('inbound_messages').select('id').where('claimed_by', '=', member).where('status', '=', 'processing').limit(1).execute();
  const outbox = await s.db.selectFrom('outbox').select('id').where('claimed_by', '=', member).where('status', '=', 'sending').limit(1).execute();
  return inbound.length > 0 || outbox.length > 0;
}

function waitLogin(stack: MailStack, b: Mailbox): void {
  for (let i = 0; i < 100; i++) {
    try { stack.doveadm(['auth', 'test', b.address, b.password]); return; } catch { execFileSync('sleep', ['0.05']); }
  }
  throw new Error(`${b.address} cannot log in`);
}

async function waitUntil(fn: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) { try { if (await fn()) return; } catch { /* retry */ } await pause(250); }
  throw new Error(`timed out waiting for ${what}`);
}

export const figureRows = (tag: string, out: Outcome): string[] => {
  const f = out.figures;
  return [
    `chaos ${tag}: mails ${f.mails}, contacts ${f.contacts}, quarantined ${f.quarantined}; kills ${out.kills.length} (${out.kills.filter((k) => k.midBatch).length} mid-batch; ${[...new Set(out.kills.map((k) => k.member))].join(', ')}), crashes (exits not caused by a kill) ${out.unplannedExits}, restarts that failed while PostgreSQL was away and were retried ${out.failedStarts}`,
    `chaos ${tag}: outages: ${out.outages.join('; ')}; ${out.accountRecovery}`,
    `chaos ${tag}: lost ${f.lost}, duplicated ${f.duplicated}; automatic answers ${f.autoAnswersDelivered}/${f.autoAnswersExpected} (lost ${f.autoAnswersLost}, duplicated ${f.autoAnswersDuplicated}); resent after a kill in SMTP's 250 window (same message, one outbox row) ${f.resent}${f.resent ? `: ${f.resentMessageIds.join(' ')}` : ''}; resends the sent journal prevented ${f.resendsPrevented}; redirects ${f.redirectsDelivered}/${f.redirectsExpected} (lost ${f.redirectsLost}, duplicated ${f.redirectsDuplicated}); agent answers ${f.agentAnswers} (lost ${f.agentAnswersLost}, duplicated ${f.agentAnswersDuplicated}); unprocessed ${f.unprocessed}; accepted by agents ${f.accepted} (${f.acceptedByExternal} external-client), still queued for agents ${f.contactsOpen}; unhealthy accounts ${f.unhealthyAccounts.length}`,
    `chaos ${tag}: load and faults ${out.loadSeconds.toFixed(0)} s, time to recover ${out.recoverSeconds.toFixed(1)} s, whole run ${out.totalSeconds.toFixed(0)} s; sender retries ${out.injectRetries}; agents: ${out.agentsMode}`,
  ];
};
export type { Json };
