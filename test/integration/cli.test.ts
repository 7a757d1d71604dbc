import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/app/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { E2E_ADMIN_PASSWORD, startApp, type RunningApp } from '../support/app.js';

/**
 * The operator's first hour with the built CLI: --help on every command, unknown commands and
 * misspelt options answered with the closest one, problems in the CLI's own words, a busy port
 * named with the variable that moves it, `user set-password` (and the banner's hint), `stats rebuild`.
 */
const BIN = resolve(import.meta.dirname, '../../bin/switchyard.js');
const run = async (args: string[], env: Record<string, string | undefined> = {}) => {
  try {
    const r = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, SWITCHYARD_LOG_LEVEL: 'error', ...env }, timeout: 30_000 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
};

/** The CLI's argument handling in-process (no database is opened for usage problems); the env is the test's own. */
const inProcess = async (args: string[], env: Record<string, string> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(a.join(' ')); });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err.push(a.join(' ')); });
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore(); error.mockRestore();
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
};

describe('the CLI in its own words', () => {
  let tdb: TestDatabase;
  const env = () => ({ SWITCHYARD_DATA_DIR: tdb.dataDir });
  beforeAll(async () => { tdb = await createTestDatabase('sqlite'); });
  afterAll(async () => { await tdb?.drop(); });

  it('has --help on every command and subcommand', async () => {
    for (const command of ['start', 'demo-send', 'user', 'smtp-server', 'account', 'stats', 'migrate']) {
      const r = await inProcess([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.out, command).toMatch(new RegExp(`switchyard ${command}`));
    }
    expect((await inProcess(['user', 'set-password', '--help'])).out).toContain('set-password --username');
    const top = await inProcess(['--help']);
    expect(top.out).toContain('npx switchyard');
    expect(top.out).toContain('SWITCHYARD_DEMO_SMTP_PORT');
  });

  it('answers an unknown command or subcommand with the closest one and the list', async () => {
    const cmd = await inProcess(['usr', 'list']);
    expect(cmd.code).toBe(2);
    expect(cmd.err).toContain("unknown command 'usr' (did you mean user?)");
    expect(cmd.err).toContain('commands: start, demo-send, user');
    const sub = await inProcess(['user', 'ad']);
    expect(sub.code).toBe(2);
    expect(sub.err).toContain("unknown user command 'ad' (did you mean add?); one of: add, list, set-password");
  });

  it('suggests the option meant and says what is wrong in its own words', async () => {
    const typo = await inProcess(['user', 'add', '--usernme', 'x']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('unknown option --usernme (did you mean --username?)');
    const bad = await inProcess(['smtp-server', 'add', '--name', 'a', '--host', 'h', '--port', 'abc', '--security', 'tlss']);
    expect(bad.err).toContain("--port must be a number, got 'abc'");
    expect(bad.err).toContain("--security must be one of none, starttls, tls, got 'tlss'");
    const missing = await inProcess(['user', 'add', '--username', 'kim']);
    expect(missing.err).toContain('--password is required');
    expect(missing.err).toContain('--role is required');
    for (const r of [bad, missing]) expect(r.err).not.toMatch(/expected (number|string), received/);
    const config = await inProcess(['user', 'list'], { SWITCHYARD_HTTP_PORT: 'eighty' });
    expect(config.err).toContain("SWITCHYARD_HTTP_PORT: must be a number, got 'eighty'");
  });

  it('names the busy web port and the variable that moves it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await run(['start', '--roles', 'web'], { ...env(), SWITCHYARD_HTTP_PORT: String(port), SWITCHYARD_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD });
      expect(r.code).toBe(1);
      expect(r.err).toContain(`the web port 127.0.0.1:${port} is already in use`);
      expect(r.err).toContain('SWITCHYARD_HTTP_PORT');
      expect(r.err).not.toContain('    at ');
    } finally {
      blocker.close();
    }
  });

  describe('with a running server', () => {
    let app: RunningApp;
    beforeAll(async () => { app = await startApp(tdb); });
    afterAll(async () => { await app?.process.kill(); });

    it('sets a forgotten password (sessions end), and the banner of a restart says how', async () => {
      const token = await app.login('admin', E2E_ADMIN_PASSWORD);
      const r = await run(['user', 'set-password', '--username', 'admin'], env());
      expect(r.code, r.err).toBe(0);
      const password = /new password of 'admin': (\S+)/.exec(r.out)?.[1];
      expect(password).toBeTruthy();
      expect((await app.request('GET', '/api/v1/session', token)).status).toBe(401);
      await app.login('admin', password!);
      expect((await run(['user', 'set-password', '--username', 'nobody'], env())).err).toContain("there is no user 'nobody'");
      const audit = await app.call('GET', '/api/v1/audit?objectType=users', await app.login('admin', password!));
      expect(audit.entries[0]).toMatchObject({ action: 'password', after: { via: 'cli' } });
    });

    it('rebuilds the statistics from the event log', async () => {
      const r = await run(['stats', 'rebuild'], env());
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/statistics rebuilt from \d+ event\(s\)/);
    });
  });

  it('after a restart, the banner tells how to set a lost admin password', async () => {
    const restarted = await startApp(tdb);
    try {
      expect(restarted.process.output()).toContain('npx switchyard user set-password --username admin');
    } finally {
      await restarted.process.kill();
    }
  });
});
