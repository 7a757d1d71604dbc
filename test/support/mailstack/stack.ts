import { execFileSync, spawnSync, type StdioOptions } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  dovecotMainConf, dovecotTlsConf, paths, portsWithOffset, postfixMainCf, postfixMasterCf, userLine, validateUser, type Layout, type PortName,
} from './config.js';

/**
 * The project's loopback mail stack: private Dovecot (IMAP, POP3, LMTP; a 2nd instance for IMAPS,
 * POP3S and IMAP+STARTTLS) and Postfix (SMTP, SMTP+STARTTLS, SMTPS → LMTP → Dovecot) instances
 * run from a state folder, without systemd and without touching /etc. Synchronous on purpose:
 * tests call it from plain helpers and it only runs short commands.
 *
 * Several stacks can run side by side: each has its own folder and a port offset (the chaos suite
 * runs its own stack so that its outages never reach the stack other tests share).
 */
export interface StackOptions {
  dir?: string;
  portOffset?: number;
  tls?: boolean;
  fsync?: Layout['fsync'];
  /** Users created with a new state folder ("address:password" …). */
  seedUsers?: string[];
  /** Domains always accepted. */
  domains?: string[];
}

export interface MailStack {
  layout: Layout;
  start(): string;
  stop(): string;
  status(): { ok: boolean; text: string };
  addUsers(pairs: [string, string][]): void;
  addDomain(domain: string): void;
  doveadm(args: string[]): string;
  env(): string;
  reset(): void;
  logs(lines?: number): string;
  queueSize(): number;
  /** Outage drills. */
  stopDovecot(): void;
  startDovecot(): void;
  stopPostfix(): void;
  startPostfix(): void;
  /** The relay answers 450 to every recipient while refusing (Postfix stays up). */
  refuseSmtp(refuse: boolean): void;
}

const now = () => Date.now();
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Options from the environment, as the shell recipe took them (MAILSTACK_*). */
export function optionsFromEnv(env: NodeJS.ProcessEnv): StackOptions {
  return {
    dir: env.MAILSTACK_DIR,
    portOffset: env.MAILSTACK_PORT_OFFSET ? Number(env.MAILSTACK_PORT_OFFSET) : undefined,
    tls: env.MAILSTACK_TLS === undefined ? undefined : env.MAILSTACK_TLS !== '0',
    fsync: env.MAILSTACK_FSYNC as Layout['fsync'] | undefined,
    seedUsers: env.MAILSTACK_SEED_USERS === undefined ? undefined : env.MAILSTACK_SEED_USERS.split(/\s+/).filter(Boolean),
    domains: env.MAILSTACK_DOMAINS?.split(/\s+/).filter(Boolean),
  };
}

function checkDir(dir: string): void {
  if (!dir.startsWith('/')) throw new Error(`the state folder must be an absolute path (got '${dir}')`);
  if (!/^\/[A-Za-z0-9._/-]+$/.test(dir)) throw new Error(`the state folder may only contain [A-Za-z0-9._/-] (got '${dir}')`);
  if (['/', '/tmp', '/var', '/etc', '/usr', '/root', '/home', '/work'].includes(dir)) throw new Error(`refusing state folder ${dir}`);
  // unix socket paths are limited to 107 bytes; the longest is run/dovecot/auth-postfix
  if (dir.length > 70) throw new Error('the state folder path is too long for unix sockets (max 70 characters)');
}

const uidOf = (user: string): number => Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
const gidOf = (group: string): number => Number(execFileSync('getent', ['group', group], { encoding: 'utf8' }).split(':')[2]);

/** Writes a file atomically; returns whether its content changed. */
function writeIfChanged(file: string, content: string, mode: number, uid = 0, gid = 0): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return false;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  chownSync(tmp, uid, gid);
  renameSync(tmp, file);
  return true;
}

/** A process exists and is not a zombie (a killed daemon stays a zombie until init reaps it). */
function procAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch { return false; }
}

function pidFrom(file: string, comm: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim().split(/\s+/)[0]);
    if (!pid || !procAlive(pid)) return null;
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm ? pid : null;
  } catch { return null; }
}

/** Every process below `pid` (read from /proc before it exits: orphans are re-parented). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch { /* gone */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const c of children.get(p) ?? []) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

function waitGone(pid: number, ms: number): boolean {
  const end = now() + ms;
  while (procAlive(pid)) { if (now() > end) return false; sleep(50); }
  return true;
}

/** The TCP ports listening on `host` (`ss` answers without connecting: a probe would show up in the daemons' logs). */
function listening(host: string): Set<number> {
  const r = spawnSync('ss', ['-Hltn'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ss failed: ${r.stderr}`);
  const ports = new Set<number>();
  for (const line of r.stdout.split('\n')) {
    const local = line.trim().split(/\s+/)[3] ?? '';
    if (local.startsWith(`${host}:`) || local.startsWith('0.0.0.0:') || local.startsWith('*:')) ports.add(Number(local.slice(local.lastIndexOf(':') + 1)));
  }
  return ports;
}

/**
 * Serialises state-changing commands across processes (parallel test workers may all `start`).
 * flock(2) locks belong to the open file description: a `flock` child locks the descriptor it
 * inherits and the lock stays held until we close ours. Compatible with the shell recipe's lock.
 */
function withLock<T>(dir: string, fn: () => T): T {
  mkdirSync(dirname(dir), { recursive: true });
  const fd = openSync(`${dir}.lock`, 'w');
  try {
    const r = spawnSync('flock', ['-w', '120', '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] as StdioOptions });
    if (r.status !== 0) throw new Error(`timed out waiting for ${dir}.lock`);
    return fn();
  } finally { closeSync(fd); }
}

export function mailStack(options: StackOptions = {}): MailStack {
  const dir = (options.dir ?? '/tmp/mailstack').replace(/\/+$/, '');
  checkDir(dir);
  const offset = options.portOffset ?? 0;
  const p = paths(dir);
  let vmailUid = -1;
  const layout: Layout = {
    dir, host: '127.0.0.1', ports: portsWithOffset(offset), tls: options.tls ?? true, fsync: options.fsync ?? 'never',
    get vmailUid() { return vmailUid; }, name: offset ? `-${offset}` : '',
  };
  const seedUsers = options.seedUsers ?? ['support@example.test:password'];
  const baseDomains = options.domains ?? ['example.test'];
  const log = (msg: string) => process.stderr.write(`mailstack: ${msg}\n`);
  const dovecotPid = () => pidFrom(join(p.dovecotRun, 'master.pid'), 'dovecot');
  const dovecotTlsPid = () => pidFrom(join(p.dovecotTlsRun, 'master.pid'), 'dovecot');
  const postfixPid = () => pidFrom(join(p.postfixQueue, 'pid/master.pid'), 'master');
  const expectedPorts = (): PortName[] => (layout.tls
    ? ['imap', 'pop3', 'lmtp', 'smtp', 'imaps', 'pop3s', 'imapStarttls', 'submission', 'smtps']
    : ['imap', 'pop3', 'lmtp', 'smtp']);

  const readUsers = (): string[] => (existsSync(p.users) ? readFileSync(p.users, 'utf8').split('\n').filter(Boolean) : []);
  const userNames = () => readUsers().map((l) => l.split(':')[0]);
  const domainsList = () => [...new Set([
    ...baseDomains, ...(existsSync(p.domains) ? readFileSync(p.domains, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean) : []),
    ...userNames().map((u) => u.slice(u.indexOf('@') + 1)),
  ].map((d) => d.toLowerCase()))].sort();

  function setUsers(pairs: [string, string][]): void {
    const lines = new Map(readUsers().map((l) => [l.split(':')[0], l]));
    for (const [rawAddress, password] of pairs) {
      const address = rawAddress.toLowerCase();
      const problem = validateUser(address, password);
      if (problem) throw new Error(problem);
      lines.set(address, userLine(address, password));
    }
    writeIfChanged(p.users, [...lines.values()].map((l) => `${l}\n`).join(''), 0o640, 0, gidOf('dovecot'));
  }

  /** Postfix's maps: the accepted domains and recipients. Returns whether they changed. */
  const writeMaps = (): boolean => {
    const a = writeIfChanged(join(p.postfixEtc, 'domains'), domainsList().map((d) => `${d}\n`).join(''), 0o644);
    const b = writeIfChanged(join(p.postfixEtc, 'vmailbox'), userNames().map((u) => `${u} OK\n`).join(''), 0o644);
    return a || b;
  };

  function ensureSystem(): void {
    const missing = [
      ['/usr/sbin/dovecot', 'dovecot-core'], ['/usr/lib/dovecot/imap', 'dovecot-imapd'], ['/usr/lib/dovecot/pop3', 'dovecot-pop3d'],
      ['/usr/lib/dovecot/lmtp', 'dovecot-lmtpd'], ['/usr/sbin/postfix', 'postfix'], ['/usr/bin/openssl', 'openssl'],
    ].filter(([f]) => !existsSync(f)).map(([, pkg]) => pkg);
    if (missing.length) installPackages(missing, log);
    if (spawnSync('getent', ['passwd', 'vmail']).status !== 0) {
      execFileSync('useradd', ['--system', '--user-group', '--home-dir', '/nonexistent', '--no-create-home', '--shell', '/usr/sbin/nologin', 'vmail']);
      log('created system user vmail');
    }
    vmailUid = uidOf('vmail');
  }

  function makeDirs(): void {
    for (const d of ['etc', 'log', 'run', 'state', 'ssl', 'mail', 'postfix', 'postfix/etc', 'postfix/spool', 'postfix/data']) mkdirSync(join(dir, d), { recursive: true });
    chmodSync(p.ssl, 0o700);
    const postfixUid = uidOf('postfix');
    chownSync(p.postfixData, postfixUid, gidOf('postfix')); chmodSync(p.postfixData, 0o700);
    chownSync(p.mail, vmailUid, gidOf('vmail')); chmodSync(p.mail, 0o770);
    if (!existsSync(p.users)) setUsers(seedUsers.map((u) => [u.slice(0, u.indexOf(':')), u.slice(u.indexOf(':') + 1)]));
    if (!existsSync(p.domains)) writeFileSync(p.domains, '');
    if (!existsSync(join(p.ssl, 'cert.pem')) || !existsSync(join(p.ssl, 'key.pem'))) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(p.ssl, 'key.pem'), '-out', join(p.ssl, 'cert.pem')], { stdio: 'ignore' });
      chmodSync(join(p.ssl, 'key.pem'), 0o600);
    }
  }

  /** Regenerates every file; returns which daemons must reload. */
  function writeConfigs(): { dovecot: boolean; postfix: boolean } {
    const d1 = writeIfChanged(p.dovecotConf, dovecotMainConf(layout), 0o644);
    const d2 = writeIfChanged(p.dovecotTlsConf, dovecotTlsConf(layout), 0o644);
    const f1 = writeIfChanged(join(p.postfixEtc, 'main.cf'), postfixMainCf(layout, existsSync(p.refuseFlag)), 0o644);
    const f2 = writeIfChanged(join(p.postfixEtc, 'master.cf'), postfixMasterCf(layout), 0o644);
    const maps = writeMaps();
    return { dovecot: d1 || d2, postfix: f1 || f2 || maps };
  }

  /**
   * Daemons get no inherited pipes (Dovecot keeps its stderr open for life, so a pipe would never
   * reach EOF) and no inherited lock descriptor. After a crash the old master's children can hold
   * the ports for a moment: a bind failure is retried for 5 s.
   */
  function runDaemon(cmd: string, args: string[], errFile: string, retryWhile: () => boolean): void {
    const end = now() + 5000;
    for (;;) {
      const err = openSync(errFile, 'w');
      const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', err] });
      closeSync(err);
      if (r.status === 0) return;
      if (retryWhile() && now() < end) { sleep(200); continue; }
      const text = readFileSync(errFile, 'utf8');
      throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${text.slice(-2000)} (logs in ${p.log})`);
    }
  }

  function startDovecotInstance(conf: string, runDir: string, running: () => number | null, name: string, reload: boolean): void {
    if (running()) {
      if (reload) spawnSync('dovecot', ['-c', conf, 'reload'], { stdio: 'ignore' });
      return;
    }
    // Dovecot refuses to start while the PID in master.pid exists at all (a zombie or a recycled PID)
    rmSync(join(runDir, 'master.pid'), { force: true });
    const errFile = join(p.log, `${name}.stderr`);
    runDaemon('dovecot', ['-c', conf], errFile, () => readFileSync(errFile, 'utf8').includes('Address already in use'));
  }

  function startPostfixDaemon(reload: boolean): void {
    if (postfixPid()) {
      if (reload) { spawnSync('postfix', ['-c', p.postfixEtc, 'reload'], { stdio: 'ignore' }); sleep(300); } // reload is asynchronous
      return;
    }
    const logFile = join(p.log, 'postfix.log');
    const size = existsSync(logFile) ? statSync(logFile).size : 0;
    // Postfix reports start-up errors to maillog_file (before reading it: to syslog only)
    runDaemon('postfix', ['-c', p.postfixEtc, 'start'], join(p.log, 'postfix-start.err'),
      () => existsSync(logFile) && readFileSync(logFile, 'utf8').slice(size).includes('Address already in use'));
  }

  function waitPorts(names: PortName[], ms: number): void {
    const end = now() + ms;
    for (;;) {
      const open = listening(layout.host);
      const missing = names.filter((n) => !open.has(layout.ports[n]));
      if (missing.length === 0) return;
      if (now() > end) throw new Error(`ports not listening: ${missing.map((n) => `${n} ${layout.ports[n]}`).join(', ')}; see ${p.log}`);
      sleep(50);
    }
  }

  const terminate = (pids: (number | null)[]) => {
    for (const pid of pids) if (pid) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    for (const pid of pids) if (pid && !waitGone(pid, 10_000)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  };

  function queueSize(): number {
    let n = 0;
    const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : n++; };
    for (const q of ['maildrop', 'incoming', 'active', 'deferred', 'hold']) if (existsSync(join(p.postfixQueue, q))) walk(join(p.postfixQueue, q));
    return n;
  }

  const prepare = () => { ensureSystem(); makeDirs(); return writeConfigs(); };

  const stack: MailStack = {
    layout,
    start: () => withLock(dir, () => {
      const t0 = now();
      const changed = prepare();
      startDovecotInstance(p.dovecotConf, p.dovecotRun, dovecotPid, 'mailstack', changed.dovecot);
      if (layout.tls) startDovecotInstance(p.dovecotTlsConf, p.dovecotTlsRun, dovecotTlsPid, 'mailstack-tls', changed.dovecot);
      else terminate([dovecotTlsPid()]);
      startPostfixDaemon(changed.postfix);
      waitPorts(expectedPorts(), 15_000);
      const ports = expectedPorts().map((n) => `${n} ${layout.ports[n]}`).join(', ');
      const text = `up in ${now() - t0} ms on ${layout.host}: ${ports}; state ${dir}`;
      log(text);
      return text;
    }),
    stop: () => withLock(dir, () => { terminate([postfixPid(), dovecotTlsPid(), dovecotPid()]); log('stopped'); return 'stopped'; }),
    status() {
      const lines: string[] = [];
      let ok = true;
      const line = (name: string, pid: number | null) => { if (!pid) ok = false; lines.push(`${name.padEnd(13)} ${pid ? `running (pid ${pid})` : 'stopped'}`); };
      line('dovecot', dovecotPid());
      if (layout.tls) line('dovecot-tls', dovecotTlsPid());
      line('postfix', postfixPid());
      const ports = listening(layout.host);
      for (const n of expectedPorts()) {
        const open = ports.has(layout.ports[n]);
        if (!open) ok = false;
        lines.push(`port ${layout.host}:${layout.ports[n]} ${open ? 'listening' : 'closed'}`);
      }
      lines.push(`postfix queue ${queueSize()} message(s)`);
      if (existsSync(p.refuseFlag)) lines.push('smtp          refusing (outage drill)');
      lines.push(`users:   ${userNames().join(' ')}`, `domains: ${existsSync(dir) ? domainsList().join(' ') : ''}`, `state:   ${dir}`);
      return { ok, text: `${lines.join('\n')}\n` };
    },
    addUsers: (pairs) => withLock(dir, () => {
      ensureSystem(); makeDirs();
      setUsers(pairs);
      // Dovecot re-reads its passwd-file when it changes; Postfix needs a reload for its maps
      if (writeMaps() && postfixPid()) { spawnSync('postfix', ['-c', p.postfixEtc, 'reload'], { stdio: 'ignore' }); sleep(300); }
    }),
    addDomain: (domain) => withLock(dir, () => {
      const d = domain.toLowerCase();
      if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(d)) throw new Error(`invalid domain '${domain}'`);
      ensureSystem(); makeDirs();
      const list = readFileSync(p.domains, 'utf8').split('\n').filter(Boolean);
      if (!list.includes(d)) writeFileSync(p.domains, [...list, d].map((x) => `${x}\n`).join(''));
      if (writeMaps() && postfixPid()) { spawnSync('postfix', ['-c', p.postfixEtc, 'reload'], { stdio: 'ignore' }); sleep(300); }
    }),
    doveadm: (args) => execFileSync('doveadm', ['-c', p.dovecotConf, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    env: () => [
      `MAILSTACK_DIR=${dir}`, `MAILSTACK_HOST=${layout.host}`, `MAILSTACK_IMAP_PORT=${layout.ports.imap}`, `MAILSTACK_POP3_PORT=${layout.ports.pop3}`,
      `MAILSTACK_SMTP_PORT=${layout.ports.smtp}`, `MAILSTACK_LMTP_PORT=${layout.ports.lmtp}`, `MAILSTACK_LMTP_SOCKET=${join(p.dovecotRun, 'lmtp')}`,
      `MAILSTACK_IMAPS_PORT=${layout.ports.imaps}`, `MAILSTACK_POP3S_PORT=${layout.ports.pop3s}`, `MAILSTACK_IMAP_STARTTLS_PORT=${layout.ports.imapStarttls}`,
      `MAILSTACK_SUBMISSION_PORT=${layout.ports.submission}`, `MAILSTACK_SMTPS_PORT=${layout.ports.smtps}`, `MAILSTACK_CA_CERT=${join(p.ssl, 'cert.pem')}`, '',
    ].join('\n'),
    reset: () => withLock(dir, () => {
      terminate([postfixPid(), dovecotTlsPid(), dovecotPid()]);
      if (!existsSync(dir)) return;
      if (!existsSync(p.dovecotConf) && !existsSync(p.users)) throw new Error(`${dir} does not look like a mailstack folder; not deleting it`);
      rmSync(dir, { recursive: true, force: true });
      log(`removed ${dir}`);
    }),
    logs: (lines = 50) => execFileSync('bash', ['-c', `tail -n ${Number(lines)} "$1"/*.log`, '-', p.log], { encoding: 'utf8' }),
    queueSize,
    // An outage: the master stops and so does every session it started (a stopped Dovecot master
    // leaves logged-in IMAP processes serving their clients here), as when the server goes away.
    stopDovecot: () => withLock(dir, () => {
      const pid = dovecotPid();
      const sessions = pid ? descendants(pid) : [];
      terminate([pid]);
      for (const p of sessions) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }),
    startDovecot: () => withLock(dir, () => { prepare(); startDovecotInstance(p.dovecotConf, p.dovecotRun, dovecotPid, 'mailstack', false); waitPorts(['imap', 'lmtp'], 15_000); }),
    stopPostfix: () => withLock(dir, () => terminate([postfixPid()])),
    startPostfix: () => withLock(dir, () => { prepare(); startPostfixDaemon(false); waitPorts(layout.tls ? ['smtp', 'submission', 'smtps'] : ['smtp'], 15_000); }),
    refuseSmtp: (refuse) => withLock(dir, () => {
      if (refuse) writeFileSync(p.refuseFlag, `${new Date().toISOString()}\n`); else if (existsSync(p.refuseFlag)) unlinkSync(p.refuseFlag);
      const changed = prepare();
      if (changed.postfix && postfixPid()) { spawnSync('postfix', ['-c', p.postfixEtc, 'reload'], { stdio: 'ignore' }); sleep(500); }
    }),
  };
  return stack;
}

/** Installs missing Debian packages without starting their system services (on the standard ports). */
function installPackages(missing: string[], log: (m: string) => void): void {
  log(`installing: ${missing.join(' ')}`);
  execFileSync('bash', ['-c', 'echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections; echo "postfix postfix/mailname string mailstack.localhost" | debconf-set-selections']);
  const madePolicy = !existsSync('/usr/sbin/policy-rc.d');
  if (madePolicy) writeFileSync('/usr/sbin/policy-rc.d', '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...missing],
    { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' });
  try {
    let r = install();
    if (r.status !== 0) { spawnSync('apt-get', ['update', '-q']); r = install(); }
    if (r.status !== 0) throw new Error(`package installation failed: ${r.stderr.slice(-2000)}`);
  } finally { if (madePolicy) rmSync('/usr/sbin/policy-rc.d', { force: true }); }
}
