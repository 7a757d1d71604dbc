import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../src/app/deps.js';
import { createAccount, createSmtpServer } from '../src/storage/repositories/accounts.js';
import { createCategory, putAutoAnswer, saveTemplate, savePattern } from '../src/storage/repositories/analysis-config.js';
import { MAIL, ROOT, benchConfig, freshPgDatabase } from './lib.js';
import { buildDeps } from '../src/app/main.js';

/**
 * Shared by the ingest, backlog and SMTP latency benches: a realistic analysis configuration,
 * a fast mailbox fill (Maildir files written straight into a fresh Dovecot user's mailbox),
 * an SMTP sink for automatic answers, and Switchyard processes started from the built CLI.
 */

const MAILSTACK_DIR = process.env.MAILSTACK_DIR ?? '/tmp/mailstack';

const TOPICS = [
  ['billing', ['invoice', 'payment', 'refund', 'charged', 'faktura']], ['delivery', ['parcel', 'delivery', 'tracking', 'shipped']],
  ['password', ['password', 'login', 'locked', 'reset']], ['cancel', ['cancel', 'terminate', 'unsubscribe']], ['complaint', ['complaint', 'disappointed', 'unacceptable']],
  ['address', ['address', 'moved', 'relocation']], ['contract', ['contract', 'agreement', 'renewal']], ['damage', ['damaged', 'broken', 'defect']],
  ['return', ['return', 'exchange', 'rma']], ['price', ['price', 'discount', 'offer']], ['invoice-copy', ['copy', 'duplicate', 'receipt']],
  ['mobile', ['mobile', 'sim', 'roaming']], ['broadband', ['broadband', 'router', 'fiber']], ['tv', ['channel', 'decoder', 'tv']],
  ['moving', ['moving', 'new home']], ['gdpr', ['gdpr', 'personal data', 'erase']], ['urgent', ['+urgent', 'asap', 'immediately']],
  ['praise', ['thanks', 'great', 'excellent']], ['swedish', ['och', 'inte', 'jag', 'hej'], 'sv'], ['german', ['und', 'nicht', 'bitte', 'danke'], 'de'],
  ['business', ['company', 'organisation', 'vat']], ['technician', ['technician', 'visit', 'appointment']],
] as const;

/** A ~size-byte customer message; topics, order numbers and personal numbers vary with i. */
export function customerMessage(i: number, to: string, size = 10_240, tag = 'b'): Buffer {
  const t = TOPICS[i % TOPICS.length];
  const kw = t[1][i % t[1].length];
  const head = [`From: "Customer ${i}" <customer${i}@example.org>`, `To: ${to}`, `Subject: ${t[0]} question ${i} (${kw})`,
    `Message-ID: <${tag}-${i}@example.org>`, `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8', '', ''].join('\r\n');
  const intro = `Hello, I write about ${kw}. My order ORD-${String(100000 + i).slice(-6)} and personal number 19${String(800101 + i).slice(-6)}-${String(1000 + (i % 9000))}. ` +
    `Customer no. CU${String(i).padStart(7, '0')}, phone +46 70 ${String(1000000 + i).slice(-7)}, ticket #${50000 + i}.\r\n`;
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.\r\n';
  let body = intro;
  while (head.length + body.length < size) body += line;
  return Buffer.from(head + body.slice(0, Math.max(0, size - head.length)));
}

/** Writes n messages as Maildir files into `user`'s INBOX (a fresh user: Dovecot assigns UIDs on the next SELECT). */
export function fillMaildir(user: string, n: number, make: (i: number) => Buffer): void {
  const [local, domain] = user.split('@');
  const box = join(MAILSTACK_DIR, 'mail', domain, local, 'Maildir');
  // The domain's directory too when this makes it (the first user of a fresh mail stack): Dovecot,
  // as vmail, must be able to create the next user's Maildir beside this one.
  const domainDir = join(MAILSTACK_DIR, 'mail', domain);
  const madeDomain = !existsSync(domainDir);
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(box, d), { recursive: true });
  if (madeDomain) execFileSync('chown', ['vmail:vmail', domainDir]);
  const t = Math.floor(Date.now() / 1000);
  for (let i = 0; i < n; i++) {
    const raw = make(i);
    writeFileSync(join(box, 'cur', `${t}.M${i}P${process.pid}.bench,S=${raw.length}:2,`), raw);
  }
  execFileSync('chown', ['-R', 'vmail:vmail', join(MAILSTACK_DIR, 'mail', domain, local)]);
}

/** Realistic analysis config: 22 keyword categories, 5 patterns, an automatic answer always on the entrance. */
export async function configureRealistic(deps: Deps, entranceId: string): Promise<void> {
  const db = deps.storage.db;
  const now = Date.now();
  for (const [name, keywords, language] of TOPICS as readonly (readonly [string, readonly string[], string?])[]) {
    const r = await createCategory(db, { name, keywords: [...keywords], active: true, language: language ?? null }, now);
    if (!r.ok) throw new Error(r.message);
  }
  const patterns = [
    { name: 'personal number', key: 'personalNumber', parts: [{ kind: 'digit', min: 6, max: 8, save: true }, { kind: 'literal', literal: '-', min: 0, max: 1, save: false }, { kind: 'digit', min: 4, max: 4, save: true }] },
    { kind: 'regex', name: 'order number', key: 'orderNo', regex: '\\bORD-(\\d{6})\\b', ignoreCase: true },
    { kind: 'regex', name: 'customer number', key: 'customerNo', regex: '\\bCU(\\d{7})\\b' },
    { kind: 'regex', name: 'phone', key: 'phone', regex: '\\+46 ?\\d{2} ?\\d{7}' },
    { kind: 'regex', name: 'ticket', key: 'ticket', regex: '#(\\d{5})\\b' },
  ];
  for (const p of patterns) { const r = await savePattern(db, null, p as never, now); if (!r?.ok) throw new Error('pattern'); }
  const tpl = await saveTemplate(db, null, { name: 'thanks', defaultLanguage: 'en', versions: { en: { subject: 'Re: {{originalSubject}}', body: 'Dear {{customerName}}, thank you. Your case is {{caseNumber}}.' } } }, now);
  if (!tpl?.ok) throw new Error('template');
  await putAutoAnswer(db, entranceId, { mode: 'always', templateId: tpl.row.id, rules: [], fallbackTemplateId: null, quoting: 'none', quotePrefix: '> ', openingHours: null }, now);
}

/** An SMTP server that accepts and drops everything (where automatic answers go). */
/** An SMTP sink for automatic answers, in a child process (bench/sink-process.ts): the relay's CPU is not Switchyard's. */
export async function startSink(): Promise<{ port: number; received(): Promise<number>; close(): Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/bench/sink-process.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) { lines.push(buf.slice(0, i)); buf = buf.slice(i + 1); }
    wake?.();
  });
  const nextLine = async (): Promise<string> => {
    while (lines.length === 0) await new Promise<void>((res) => { wake = res; });
    return lines.shift()!;
  };
  const port = Number(await nextLine());
  return {
    port,
    received: async () => { child.stdin!.write('count\n'); return Number(await nextLine()); },
    close: () => new Promise<void>((res) => { child.once('exit', () => res()); child.stdin!.end(); }),
  };
}

/** An IMAP account on the mail stack whose answers go to `sinkPort`; created_at `since` (mail arriving after it is not backlog). */
export async function imapAccount(deps: Deps, user: string, pass: string, sinkPort: number, since: number, enabled = true) {
  const smtp = await createSmtpServer(deps.storage.db, { name: `sink-${user}`, host: '127.0.0.1', port: sinkPort, security: 'none', auth: null }, since);
  if (!smtp.ok) throw new Error(smtp.message);
  const r = await createAccount(deps.storage.db, {
    address: user, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: user, passwordSealed: deps.secrets.seal(pass),
    mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: smtp.server.id, returnAddress: `noreply-${user}`, alternativeAddresses: [], enabled,
  }, since);
  if (!r.ok) throw new Error(r.message);
  return r;
}

export interface RoleProcess { pid: number; roles: string; peakRssMb(): number; stop(): Promise<void> }

/** Starts `switchyard start --roles …` from the built CLI; resolves when it says it is running. */
export async function spawnSwitchyard(roles: string, env: Record<string, string>, extraNodeArgs: string[] = []): Promise<RoleProcess> {
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs, join(ROOT, 'bin/switchyard.js'), 'start', '--roles', roles], {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stderrBytes = 0;
  child.stderr!.on('data', (d: Buffer) => { stderrBytes += d.length; out += String(d); if (out.length > 20_000) out = out.slice(-10_000); });
  await new Promise<void>((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => { if (String(d).includes('Switchyard is running')) res(); });
    child.once('exit', (code) => rej(new Error(`switchyard --roles ${roles} exited with ${code}: ${out.slice(-2000)}`)));
  });
  child.stdout!.resume();
  const pid = child.pid!;
  let lastHwm = 0;
  const peakRssMb = () => {
    try { const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8')); if (m) lastHwm = Number(m[1]) / 1024; } catch { /* exited */ }
    return lastHwm;
  };
  return {
    pid, roles, peakRssMb,
    stop: () => new Promise<void>((res) => {
      peakRssMb();
      if (stderrBytes > 100_000) console.error(`(${roles} wrote ${stderrBytes} bytes to stderr; last: ${out.slice(-600)})`);
      if (child.exitCode !== null) return res();
      child.once('exit', () => res());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }),
  };
}

/**
 * A fresh PostgreSQL database for CLI processes of the built Switchyard: their environment, the
 * bench's own deps on the same database (to configure and observe), the processes it spawns, and
 * one teardown for all of it.
 */
export async function pgCluster(): Promise<{ env: Record<string, string>; deps: Deps; procs: RoleProcess[]; close(): Promise<void> }> {
  const pg = await freshPgDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const env = { DATABASE_URL: pg.url, SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_ADMIN_PASSWORD: 'bench-admin-pw', SWITCHYARD_HTTP_PORT: '0' };
  const deps = await buildDeps({ ...benchConfig(pg.url), dataDir });
  const procs: RoleProcess[] = [];
  return {
    env, deps, procs,
    async close() {
      for (const p of procs.reverse()) await p.stop();
      await deps.bus.close();
      await deps.storage.close();
      await pg.drop();
    },
  };
}
