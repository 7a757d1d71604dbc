import { ImapFlow } from 'imapflow';
import { MAIL, benchConfig, mailstack, table } from './lib.js';
import { configureRealistic, customerMessage, fillMaildir, imapAccount, pgCluster, spawnSwitchyard, startSink } from './ingest-kit.js';
import { startSwitchyard } from '../src/app/main.js';
import { startAccountServer } from '../src/roles/account-server/index.js';
import { countContacts } from '../src/storage/repositories/contacts.js';
import { updateAccount } from '../src/storage/repositories/accounts.js';
import type { Deps } from '../src/app/deps.js';
import { leaderFor } from '../src/roles/acd/memory.js';

/**
 * Ingest: 2 × N ~10 KB customer messages in one Dovecot mailbox drained into queued contacts, with
 * a realistic configuration (22 keyword categories, 5 patterns, an automatic answer always on the
 * entrance, answers delivered to an SMTP sink). The limit beside it: imapflow alone FETCHing the
 * same messages (streamed, source) in the same run. SQLite: one process (as `switchyard start`
 * runs it); PostgreSQL: the built CLI as separate OS processes, one acd+account-server and 1, 2
 * and 4 email-server processes.
 *
 * One drain, timed in two halves: the first N messages after the start (cold: every isolate — the
 * main thread's and each parse worker's — compiles its hot code while it works, and V8's optimising
 * compiler took about a CPU of its own for the first seconds), and the next N (warm: what a running
 * server sustains). CPU time is counted per half. BENCH_INGEST_N (default 5000), BENCH_INGEST_PROCS
 * (default 1,2,4), BENCH_CPU_PROF=dir profiles the SQLite run (this process) or the PG processes.
 */
const N = Number(process.env.BENCH_INGEST_N ?? 5000);
const TOTAL = 2 * N;
const PROCS = (process.env.BENCH_INGEST_PROCS ?? '1,2,4').split(',').map(Number).filter((n) => n > 0);
const PROF = process.env.BENCH_CPU_PROF;

const imap = (user: string, pass: string) => new ImapFlow({ host: MAIL.host, port: MAIL.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });

async function rawFetch(user: string, pass: string): Promise<number> {
  const client = imap(user, pass);
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  const t0 = performance.now();
  let n = 0;
  for await (const m of client.fetch('1:*', { uid: true, source: true, internalDate: true })) { if (m.source) n++; }
  const secs = (performance.now() - t0) / 1000;
  lock.release();
  await client.logout();
  if (n !== TOTAL) throw new Error(`fetched ${n}, expected ${TOTAL}`);
  return n / secs;
}

/** Waits until `n` contacts exist; `at(half)` runs when the first N exist (the cold half's end). */
async function waitForContacts(deps: Deps, n: number, t0: number, at?: () => void): Promise<{ half: number; secs: number }> {
  let half = NaN;
  for (;;) {
    const have = await countContacts(deps.storage.db);
    if (Number.isNaN(half) && have >= N) { half = (performance.now() - t0) / 1000; at?.(); }
    if (have >= n) return { half, secs: (performance.now() - t0) / 1000 };
    if (performance.now() - t0 > 900_000) throw new Error(`only ${have} of ${n} contacts after 15 minutes`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

async function answersQueued(deps: Deps): Promise<number> {
  const r = await deps.storage.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A drain: seconds to the first N contacts (cold) and to all 2 × N (the warm half is the difference). */
interface Run { half: number; secs: number; answers: number }

/** SQLite, one process: acd + email-server + account-server in this process. */
async function drainSqlite(user: string, pass: string, sinkPort: number, since: number): Promise<Run> {
  const running = await startSwitchyard(benchConfig(null), ['acd', 'email-server'], { demo: false });
  const { deps } = running;
  try {
    const r = await imapAccount(deps, user, pass, sinkPort, since);
    await configureRealistic(deps, r.entranceId);
    const t0 = performance.now();
    const marks = [{ cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() }];
    const mark = () => { marks.push({ cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() }); };
    const stopAccounts = await startAccountServer(deps);
    try {
      const { half, secs } = await waitForContacts(deps, TOTAL, t0, mark);
      mark();
      // Less dependent on the machine's load than messages/s: CPU time per message (all threads, V8's compiler threads
      // included), and the main thread's busy time (wall time with work to do: it includes waiting for a CPU).
      for (const [label, a, b] of [['cold', marks[0], marks[1]], ['warm', marks[1], marks[2]]] as const) {
        const cpu = (b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1000;
        const busy = performance.eventLoopUtilization(b.elu, a.elu).active;
        console.error(`ingest (SQLite, ${label} half): CPU ${(cpu / N).toFixed(2)} ms a message (all threads), main thread busy ${(busy / N).toFixed(2)} ms a message`);
      }
      const leader = leaderFor(deps.storage);
      if (leader) console.error(`ingest: the leader decided ${leader.grouped} events in ${leader.commits} group commits`);
      return { half, secs, answers: await answersQueued(deps) };
    } finally { await stopAccounts(); }
  } finally { await running.stop(); }
}

/** PostgreSQL: the built CLI, one acd+account-server process and `servers` email-server processes. */
async function drainPg(user: string, pass: string, sinkPort: number, since: number, servers: number): Promise<Run & { rss: string }> {
  const cluster = await pgCluster();
  const { env, deps, procs } = cluster;
  try {
    const r = await imapAccount(deps, user, pass, sinkPort, since, false);
    await configureRealistic(deps, r.entranceId);
    const prof = (name: string) => (PROF ? ['--cpu-prof', '--cpu-prof-dir', PROF, '--cpu-prof-name', `${name}-${servers}.cpuprofile`] : []);
    procs.push(await spawnSwitchyard('acd,account-server', env, prof('acd-account')));
    for (let i = 0; i < servers; i++) procs.push(await spawnSwitchyard('email-server', env, prof(`email-${i}`)));
    const t0 = performance.now();
    await updateAccount(deps.storage.db, r.account.id, { enabled: 1 }, Date.now());
    await deps.bus.publish('accounts');
    const { half, secs } = await waitForContacts(deps, TOTAL, t0);
    const answers = await answersQueued(deps);
    const rss = procs.map((p) => `${Math.round(p.peakRssMb())}`).join('/');
    return { half, secs, answers, rss };
  } finally {
    await cluster.close();
  }
}

export async function benchIngest(): Promise<void> {
  const user = `bench-ingest-${Date.now().toString(36)}@example.test`;
  const pass = 'bench-password';
  mailstack('add-user', user, pass);
  const since = Date.now();
  console.error(`ingest: writing ${TOTAL} × 10 KB into ${user}'s Maildir …`);
  fillMaildir(user, TOTAL, (i) => customerMessage(i, user));
  const sink = await startSink();
  try {
    console.error('ingest: raw imapflow FETCH (a warm-up pass, then the measured one) …');
    await rawFetch(user, pass);
    const fetchRate = await rawFetch(user, pass);
    console.error('ingest: Switchyard on SQLite …');
    const sqlite = await drainSqlite(user, pass, sink.port, since);
    const pgRuns: { servers: number; run: Run & { rss: string } }[] = [];
    for (const servers of PROCS) {
      console.error(`ingest: Switchyard on PostgreSQL, ${servers} email-server process(es) …`);
      pgRuns.push({ servers, run: await drainPg(user, pass, sink.port, since, servers) });
    }
    const row = (label: string, r: Run, extra = '') => {
      const cold = N / r.half;
      const warm = N / (r.secs - r.half);
      return [label, cold, warm, r.secs, warm / fetchRate, r.answers, extra];
    };
    table(`Ingest: ${TOTAL} messages of ~10 KB in one drain, Dovecot mailbox → queued contacts; 22 categories, 5 patterns, automatic answer always (messages/s: cold = the first ${N} after the start, warm = the next ${N}; limit = imapflow FETCH alone, same run)`,
      ['path', 'cold messages/s', 'warm messages/s', 'seconds', 'warm ratio to limit', 'answers queued', 'peak RSS MB (acd+account / email servers)'],
      [
        ['limit: imapflow FETCH 1:* (source, streamed)', '', fetchRate, TOTAL / fetchRate, 1, '', ''],
        row('Switchyard, SQLite, one process', sqlite),
        ...pgRuns.map(({ servers, run }) => row(`Switchyard, PostgreSQL, ${servers} email-server process${servers > 1 ? 'es' : ''}`, run, run.rss)),
      ]);
  } finally {
    await sink.close();
    mailstack('doveadm', 'expunge', '-u', user, 'mailbox', 'INBOX', 'all');
  }
}
