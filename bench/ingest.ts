import { ImapFlow } from 'imapflow';
import { MAIL, benchConfig, freshPgDatabase, mailstack, sampleMessage, table } from './lib.js';
import { startSwitchyard } from '../src/app/main.js';
import { createAccount } from '../src/storage/repositories/accounts.js';
import { countContacts } from '../src/storage/repositories/contacts.js';

/**
 * Ingest: N × ~10 KB messages in a Dovecot mailbox, drained into queued contacts.
 * The limit beside it: imapflow alone FETCHing the same messages (source) in the same run.
 */
const N = Number(process.env.BENCH_INGEST_N ?? 5000);

const imap = (user: string, pass: string) => new ImapFlow({ host: MAIL.host, port: MAIL.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });

async function append(user: string, pass: string): Promise<number> {
  const t0 = performance.now();
  const conns = 4;
  await Promise.all(Array.from({ length: conns }, async (_, c) => {
    const client = imap(user, pass);
    await client.connect();
    for (let i = c; i < N; i += conns) await client.append('INBOX', sampleMessage(i, user));
    await client.logout();
  }));
  return N / ((performance.now() - t0) / 1000);
}

async function rawFetch(user: string, pass: string): Promise<number> {
  const client = imap(user, pass);
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  const t0 = performance.now();
  let n = 0;
  let bytes = 0;
  for await (const m of client.fetch('1:*', { uid: true, source: true })) { n++; bytes += m.source?.length ?? 0; }
  const secs = (performance.now() - t0) / 1000;
  lock.release();
  await client.logout();
  if (n !== N) throw new Error(`fetched ${n}, expected ${N}`);
  return n / secs;
}

async function drain(databaseUrl: string | null, user: string, pass: string): Promise<{ rate: number; secs: number }> {
  const config = benchConfig(databaseUrl);
  const running = await startSwitchyard(config, ['acd', 'email-server'], { demo: false });
  const { deps } = running;
  try {
    const r = await createAccount(deps.storage.db, {
      address: user, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: user, passwordSealed: deps.secrets.seal(pass),
      mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
    }, Date.now());
    if (!r.ok) throw new Error(r.message);
    const { startAccountServer } = await import('../src/roles/account-server/index.js');
    const t0 = performance.now();
    const stopAccounts = await startAccountServer(deps);
    try {
      for (;;) {
        const n = await countContacts(deps.storage.db, 'queued');
        if (n >= N) break;
        if (performance.now() - t0 > 600_000) throw new Error(`only ${n} of ${N} contacts after 10 minutes`);
        await new Promise((res) => setTimeout(res, 50));
      }
      const secs = (performance.now() - t0) / 1000;
      return { rate: N / secs, secs };
    } finally { await stopAccounts(); }
  } finally { await running.stop(); }
}

export async function benchIngest(): Promise<void> {
  const user = `bench-ingest-${Date.now().toString(36)}@example.test`;
  const pass = 'bench-password';
  mailstack('add-user', user, pass);
  console.error(`ingest: appending ${N} × 10 KB to ${user} …`);
  const appendRate = await append(user, pass);
  console.error('ingest: raw imapflow FETCH …');
  const fetchRate = await rawFetch(user, pass);
  console.error('ingest: Switchyard on SQLite …');
  const sqlite = await drain(null, user, pass);
  const pg = await freshPgDatabase();
  let postgres: { rate: number; secs: number };
  try {
    console.error('ingest: Switchyard on PostgreSQL …');
    postgres = await drain(pg.url, user, pass);
  } finally { await pg.drop(); }
  mailstack('doveadm', 'expunge', '-u', user, 'mailbox', 'INBOX', 'all');
  table(`Ingest: ${N} messages of ~10 KB, Dovecot mailbox → queued contacts (messages/s; limit = imapflow FETCH alone, same run)`,
    ['path', 'messages/s', 'seconds', 'ratio to limit'],
    [
      ['limit: imapflow FETCH 1:* (source)', fetchRate, N / fetchRate, 1],
      ['Switchyard, SQLite (IMAP → stored → contact)', sqlite.rate, sqlite.secs, sqlite.rate / fetchRate],
      ['Switchyard, PostgreSQL', postgres.rate, postgres.secs, postgres.rate / fetchRate],
      ['(for scale: APPEND into Dovecot, 4 connections)', appendRate, N / appendRate, appendRate / fetchRate],
    ]);
}
