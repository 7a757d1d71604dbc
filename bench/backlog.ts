import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { MAIL, mailstack, table } from './lib.js';
import { configureRealistic, customerMessage, fillMaildir, imapAccount, pgCluster, spawnSwitchyard, startSink } from './ingest-kit.js';
import { countContacts } from '../src/storage/repositories/contacts.js';
import { updateAccount } from '../src/storage/repositories/accounts.js';

/**
 * Backlog: BENCH_BACKLOG_N (default 50,000) ~10 KB messages already in one mailbox when its account
 * is enabled (so none is answered automatically: backlog), drained to queued contacts on
 * PostgreSQL by the built CLI as two OS processes (acd+account-server, email-server), with the
 * realistic configuration of the ingest bench. Prints the drain time, each process's CPU time a
 * message (all threads, /proc) and peak RSS (VmHWM; RSS now every 30 s while draining), beside imapflow's streamed FETCH of the same mailbox in the same run.
 */
const N = Number(process.env.BENCH_BACKLOG_N ?? 50_000);

/** A process's CPU seconds (user + system, all threads) and resident MB now, from /proc; 0 once it has exited. */
function procNow(pid: number): { cpuSecs: number; rssMb: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSecs: (Number(f[11]) + Number(f[12])) / 100, rssMb: rss ? Number(rss[1]) / 1024 : 0 };
  } catch { return { cpuSecs: 0, rssMb: 0 }; }
}

async function rawFetch(user: string, pass: string): Promise<{ secs: number; rssMb: number }> {
  const client = new ImapFlow({ host: MAIL.host, port: MAIL.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  const t0 = performance.now();
  let n = 0;
  for await (const m of client.fetch('1:*', { uid: true, source: true })) { if (m.source) n++; }
  const secs = (performance.now() - t0) / 1000;
  lock.release();
  await client.logout();
  if (n !== N) throw new Error(`fetched ${n}, expected ${N}`);
  return { secs, rssMb: process.memoryUsage().rss / 1024 / 1024 };
}

export async function benchBacklog(): Promise<void> {
  const user = `bench-backlog-${Date.now().toString(36)}@example.test`;
  const pass = 'bench-password';
  mailstack('add-user', user, pass);
  console.error(`backlog: writing ${N} × 10 KB into ${user}'s Maildir …`);
  fillMaildir(user, N, (i) => customerMessage(i, user, 10_240, `backlog-${Date.now().toString(36)}`));
  const sink = await startSink();
  const cluster = await pgCluster();
  const { env, deps, procs } = cluster;
  try {
    console.error('backlog: raw imapflow FETCH (warm-up, then measured) …');
    await rawFetch(user, pass);
    const limit = await rawFetch(user, pass);
    const r = await imapAccount(deps, user, pass, sink.port, Date.now(), false);
    await configureRealistic(deps, r.entranceId);
    procs.push(await spawnSwitchyard('acd,account-server', env));
    procs.push(await spawnSwitchyard('email-server', env));
    console.error(`backlog: draining ${N} messages (acd+account-server, email-server on PostgreSQL) …`);
    const cpu0 = procs.map((p) => procNow(p.pid).cpuSecs);
    const t0 = performance.now();
    await updateAccount(deps.storage.db, r.account.id, { enabled: 1 }, Date.now());
    await deps.bus.publish('accounts');
    let lastLog = t0;
    for (;;) {
      const have = await countContacts(deps.storage.db);
      procs.forEach((p) => p.peakRssMb());
      if (have >= N) break;
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        console.error(`backlog: ${have} contacts after ${((lastLog - t0) / 1000).toFixed(0)} s; RSS now ${procs.map((p) => procNow(p.pid).rssMb.toFixed(0)).join('/')} MB, peak ${procs.map((p) => p.peakRssMb().toFixed(0)).join('/')} MB`);
      }
      if (performance.now() - t0 > 3_600_000) throw new Error(`only ${have} of ${N} contacts after an hour`);
      await new Promise((res) => setTimeout(res, 500));
    }
    const secs = (performance.now() - t0) / 1000;
    const cpuMs = procs.map((p, i) => ((procNow(p.pid).cpuSecs - cpu0[i]) * 1000) / N);
    table(`Backlog: ${N} messages of ~10 KB in one mailbox drained to queued contacts (PostgreSQL, built CLI, 2 processes; 22 categories, 5 patterns; limit = imapflow FETCH alone, same run)`,
      ['process', 'drain seconds', 'messages/s', 'ratio to limit', 'CPU ms a message', 'peak RSS MB'],
      [
        ['limit: imapflow FETCH 1:* (source, streamed; bench process)', limit.secs, N / limit.secs, 1, '', limit.rssMb],
        ...procs.map((p, i) => [`Switchyard ${p.roles}`, secs, N / secs, limit.secs / secs, cpuMs[i], p.peakRssMb()]),
      ]);
  } finally {
    await cluster.close();
    await sink.close();
    mailstack('doveadm', 'expunge', '-u', user, 'mailbox', 'INBOX', 'all');
  }
}
