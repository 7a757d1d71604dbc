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
 * Ingest: N × ~10 KB customer messages in one Dovecot mailbox drained into queued contacts, with
 * a realistic configuration (22 keyword categories, 5 patterns, an automatic answer always on the
 * entrance, answers delivered to an SMTP sink). The limit beside it: imapflow alone FETCHing the
 * same messages (streamed, source) in the same run. SQLite: one process (as `switchyard start`
 * runs it); PostgreSQL: the built CLI as separate OS processes, one acd+account-server and 1, 2
 * and 4 email-server processes. BENCH_INGEST_N (default 5000), BENCH_INGEST_PROCS (default 1,2,4),
 * BENCH_CPU_PROF=dir profiles the SQLite run (this process) or the PG processes.
 */
const N = Number(process.env.BENCH_INGEST_N ?? 5000);
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
  if (n !== N) throw new Error(`fetched ${n}, expected ${N}`);
  return n / secs;
}

async function waitForContacts(deps: Deps, n: number, t0: number): Promise<number> {
  for (;;) {
    const have = await countContacts(deps.storage.db);
    if (have >= n) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > 900_000) throw new Error(`only ${have} of ${n} contacts after 15 minutes`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function answersQueued(deps: Deps): Promise<number> {
  const r = await deps.storage.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

interface Run { secs: number; answers: number }

/** SQLite, one process: acd + email-server + account-server in this process. */
async function drainSqlite(user: string, pass: string, sinkPort: number, since: number): Promise<Run> {
  const running = await startSwitchyard(benchConfig(null), ['acd', 'email-server'], { demo: false });
  const { deps } = running;
  try {
    const r = await imapAccount(deps, user, pass, sinkPort, since);
    await configureRealistic(deps, r.entranceId);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const stopAccounts = await startAccountServer(deps);
    try {
      const secs = await waitForContacts(deps, N, t0);
      // Less dependent on the machine's load than messages/s: CPU time per message (all threads), and the main thread's busy time.
      const cpu = process.cpuUsage(cpu0);
      const busy = performance.eventLoopUtilization(elu0).active;
      console.error(`ingest (SQLite): CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms a message (all threads), main thread busy ${(busy / N).toFixed(2)} ms a message`);
      const leader = leaderFor(deps.storage);
      if (leader) console.error(`ingest: the leader decided ${leader.grouped} events in ${leader.commits} group commits`);
      return { secs, answers: await answersQueued(deps) };
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
    const secs = await waitForContacts(deps, N, t0);
    const answers = await answersQueued(deps);
    const rss = procs.map((p) => `${Math.round(p.peakRssMb())}`).join('/');
    return { secs, answers, rss };
  } finally {
    await cluster.close();
  }
}

export async function benchIngest(): Promise<void> {
  const user = `bench-ingest-${Date.now().toString(36)}@example.test`;
  const pass = 'bench-password';
  mailstack('add-user', user, pass);
  const since = Date.now();
  console.error(`ingest: writing ${N} × 10 KB into ${user}'s Maildir …`);
  fillMaildir(user, N, (i) => customerMessage(i, user));
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
    const row = (label: string, r: Run, extra = '') => [label, N / r.secs, r.secs, (N / r.secs) / fetchRate, r.answers, extra];
    table(`Ingest: ${N} messages of ~10 KB, Dovecot mailbox → queued contacts; 22 categories, 5 patterns, automatic answer always (messages/s; limit = imapflow FETCH alone, same run)`,
      ['path', 'messages/s', 'seconds', 'ratio to limit', 'answers queued', 'peak RSS MB (acd+account / email servers)'],
      [
        ['limit: imapflow FETCH 1:* (source, streamed)', fetchRate, N / fetchRate, 1, '', ''],
        row('Switchyard, SQLite, one process', sqlite),
        ...pgRuns.map(({ servers, run }) => row(`Switchyard, PostgreSQL, ${servers} email-server process${servers > 1 ? 'es' : ''}`, run, run.rss)),
      ]);
  } finally {
    await sink.close();
    mailstack('doveadm', 'expunge', '-u', user, 'mailbox', 'INBOX', 'all');
  }
}
