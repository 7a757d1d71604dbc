import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, authed, login, seedAdmin, type Authed } from '../support/api.js';
import { MAIL, freshMailbox, smtpTransport, waitFor } from '../support/mailstack.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/**
 * Connection tests against the real Dovecot and Postfix: plain, STARTTLS and implicit TLS with the
 * stack's self-signed certificate; failures name the stage and quote the server. (The probes touch
 * no storage, so one backend is enough.)
 */
type Json = Record<string, any>;
const TLS = { imaps: 1993, imapStarttls: 1144, submission: 2587, smtps: 2465 } as const;

describe('connection tests (real Dovecot and Postfix)', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  let app: FastifyInstance;
  let admin: Authed;
  let box: { address: string; password: string };
  const imap = (over: Json = {}) => ({ host: MAIL.host, port: MAIL.imapPort, security: 'none', username: box.address, password: box.password, ...over });
  const testImap = async (over: Json = {}) => { const r = await admin.post('/api/v1/accounts/test', imap(over)); expect(r.statusCode).toBe(200); return r.json() as Json; };
  const testSmtp = async (body: Json) => { const r = await admin.post('/api/v1/smtp-servers/test', body); expect(r.statusCode).toBe(200); return r.json() as Json; };

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    deps = await makeDeps(tdb);
    app = await buildWebApp(deps);
    await seedAdmin(deps);
    admin = authed(app, await login(app, ADMIN.username, ADMIN.password));
    box = freshMailbox('conntest');
    const t = smtpTransport();
    for (let i = 0; i < 2; i++) await t.sendMail({ from: 'someone@example.org', to: box.address, subject: `hello ${i}`, text: 'hi' });
    t.close();
  });
  afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

  it('IMAP: lists the folders with their special use and counts the chosen folder', async () => {
    const r = await waitFor(async () => { const v = await testImap(); return v.ok && v.mailbox.messages === 2 ? v : null; }, 15_000, 'two messages delivered');
    expect(r.folders.map((f: Json) => f.path)).toContain('INBOX');
    expect(r.folders.every((f: Json) => 'specialUse' in f)).toBe(true);
    expect(r.mailbox).toMatchObject({ path: 'INBOX', messages: 2 });
  });

  it('IMAP: a wrong password fails at authenticate with the server\'s words; a missing folder fails at mailbox; a closed port at connect', async () => {
    const bad = await testImap({ password: 'wrong-password' });
    expect(bad).toMatchObject({ ok: false, stage: 'authenticate' });
    expect(bad.serverResponse).toMatch(/AUTHENTICATIONFAILED|Authentication failed/i);
    const missing = await testImap({ mailbox: 'No/Such/Folder' });
    expect(missing).toMatchObject({ ok: false, stage: 'mailbox' });
    expect(missing.serverResponse).toMatch(/exist|NONEXISTENT|not found/i);
    expect(missing.folders.length).toBeGreaterThan(0);
    const closed = await testImap({ port: 1 });
    expect(closed).toMatchObject({ ok: false, stage: 'connect' });
    expect(closed.serverResponse).toMatch(/ECONNREFUSED|refused/i);
  });

  it('IMAP over implicit TLS and STARTTLS: the self-signed certificate fails at tls unless allowed', async () => {
    const refused = await testImap({ port: TLS.imaps, security: 'tls' });
    expect(refused).toMatchObject({ ok: false, stage: 'tls' });
    expect(refused.serverResponse).toMatch(/certificate/i);
    expect(await testImap({ port: TLS.imaps, security: 'tls', allowSelfSigned: true })).toMatchObject({ ok: true });
    expect(await testImap({ port: TLS.imapStarttls, security: 'starttls', allowSelfSigned: true })).toMatchObject({ ok: true });
  });

  it('IMAP: a saved account is tested with its stored password', async () => {
    const acc = (await admin.post('/api/v1/accounts', { ...imap(), address: box.address, protocol: 'imap', enabled: false })).json() as Json;
    const r = (await admin.post(`/api/v1/accounts/${acc.id}/test`)).json() as Json;
    expect(r).toMatchObject({ ok: true, mailbox: { path: 'INBOX' } });
    const smtpAcc = (await admin.post('/api/v1/accounts', { address: 'listener@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2603, security: 'none' })).json() as Json;
    expect((await admin.post(`/api/v1/accounts/${smtpAcc.id}/test`)).json()).toMatchObject({ error: { code: 'account.not_imap' } });
  });

  it('SMTP: authenticates without sending; a wrong password quotes the 535; TLS and STARTTLS with the self-signed certificate', async () => {
    const auth = (password: string) => ({ user: box.address, password, method: 'PLAIN' });
    const ok = await testSmtp({ host: MAIL.host, port: MAIL.smtpPort, security: 'none', auth: auth(box.password) });
    expect(ok).toMatchObject({ ok: true });
    const bad = await testSmtp({ host: MAIL.host, port: MAIL.smtpPort, security: 'none', auth: auth('wrong-password') });
    expect(bad).toMatchObject({ ok: false, stage: 'authenticate' });
    expect(bad.serverResponse).toMatch(/^535/);
    const tls = await testSmtp({ host: MAIL.host, port: TLS.smtps, security: 'tls', auth: auth(box.password) });
    expect(tls).toMatchObject({ ok: false, stage: 'tls' });
    expect(await testSmtp({ host: MAIL.host, port: TLS.smtps, security: 'tls', auth: auth(box.password), allowSelfSigned: true })).toMatchObject({ ok: true });
    expect(await testSmtp({ host: MAIL.host, port: TLS.submission, security: 'starttls', auth: auth(box.password), allowSelfSigned: true })).toMatchObject({ ok: true });
    expect(await testSmtp({ host: MAIL.host, port: 1, security: 'none' })).toMatchObject({ ok: false, stage: 'connect' });

    const saved = (await admin.post('/api/v1/smtp-servers', { name: 'stack', host: MAIL.host, port: MAIL.smtpPort, security: 'none', auth: auth(box.password) })).json() as Json;
    expect((await admin.post(`/api/v1/smtp-servers/${saved.id}/test`)).json()).toMatchObject({ ok: true });
    // No audit entry: a test changes nothing.
    expect(((await admin.get('/api/v1/audit')).json() as Json).entries.filter((e: Json) => /test/.test(e.action))).toEqual([]);
  });
});
