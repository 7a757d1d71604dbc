import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { freshMailbox, MAIL, smtpTransport, waitFor } from '../support/mailstack.js';
import { E2E_ADMIN_PASSWORD, startApp, type Json, type RunningApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { launchChromium, newDeskContext, screenshot } from './browser.js';

/**
 * One Switchyard (the built `switchyard start`, SQLite, real Dovecot/Postfix) and one Chromium
 * per browser test file: a support mailbox watched over IMAP, an SMTP server for answers,
 * and helpers to make agents, send customer mail and sign in to the desktop.
 */
export interface DeskEnv {
  app: RunningApp;
  base: string;
  admin: string;
  browser: Browser;
  support: { address: string; password: string };
  /** The account's alternative From address. */
  altAddress: string;
  account: Json;
  smtpServerId: string;
  close(): Promise<void>;
}

export async function startDeskEnv(settings: Record<string, string> = {}): Promise<DeskEnv> {
  const tdb: TestDatabase = await createTestDatabase('sqlite');
  const app = await startApp(tdb, settings);
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await app.process.kill('SIGTERM');
    await tdb.drop();
  };
  try {
    return await prepare(tdb, app, (b) => { browser = b; }, close);
  } catch (err) {
    await close();
    throw err;
  }
}

async function prepare(_tdb: TestDatabase, app: RunningApp, setBrowser: (b: Browser) => void, close: () => Promise<void>): Promise<DeskEnv> {
  const [browser, admin] = await Promise.all([launchChromium(), app.login('admin', E2E_ADMIN_PASSWORD)]);
  setBrowser(browser);
  const support = freshMailbox('support');
  const altAddress = `help-${Date.now().toString(36)}@example.test`;
  const smtp = await app.call('POST', '/api/v1/smtp-servers', admin, { name: 'postfix', host: MAIL.host, port: MAIL.smtpPort, security: 'none' });
  const account = await app.call('POST', '/api/v1/accounts', admin, {
    address: support.address, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: support.address, password: support.password,
    afterImport: 'seen', smtpServerId: smtp.id, returnAddress: support.address, alternativeAddresses: [altAddress],
  });
  await waitFor(async () => ['idle', 'polling'].includes((await app.call('GET', `/api/v1/accounts/${account.id}`, admin)).health?.state), 30_000, 'account watching');
  return {
    app, base: app.base, admin, browser, support, altAddress, account, smtpServerId: smtp.id, close,
  };
}

let agentSeq = 0;

/** A new agent (built-in mode unless email is given). */
export async function createAgent(env: DeskEnv, opts: { email?: string; capacity?: number } = {}): Promise<{ id: string; username: string; password: string }> {
  const username = `agent${++agentSeq}${Date.now().toString(36).slice(-4)}`;
  const password = `${username}-password`;
  const user = await env.app.call('POST', '/api/v1/users', env.admin, {
    username, displayName: `Agent ${agentSeq}`, password, role: 'agent', ...(opts.email ? { email: opts.email } : {}), ...(opts.capacity ? { capacity: opts.capacity } : {}),
  });
  return { id: user.id as string, username, password };
}

/** A customer mail into the support mailbox through Postfix; resolves when Switchyard has the contact. */
export async function sendCustomerMail(env: DeskEnv, mail: {
  subject: string; text?: string; html?: string; from?: string; cc?: string; attachments?: { filename: string; content: string | Buffer; contentType?: string; cid?: string }[];
  headers?: Record<string, string>; raw?: string | Buffer;
}): Promise<Json> {
  const transport = smtpTransport();
  try {
    if (mail.raw) await transport.sendMail({ envelope: { from: 'customer@example.org', to: env.support.address }, raw: mail.raw });
    else {
      await transport.sendMail({
        from: mail.from ?? '"Customer" <customer@example.org>', to: env.support.address, cc: mail.cc, subject: mail.subject,
        text: mail.text ?? `Text of ${mail.subject}`, html: mail.html, attachments: mail.attachments, headers: mail.headers,
      });
    }
  } finally { transport.close(); }
  return waitFor(async () => (await env.app.call('GET', '/api/v1/contacts?limit=200', env.admin)).contacts.find((c: Json) => c.subject === mail.subject || c.subject.endsWith(mail.subject)), 30_000, `contact "${mail.subject}"`, 100);
}

export async function signIn(env: DeskEnv, context: BrowserContext | null, agent: { username: string; password: string }): Promise<Page> {
  const page = await (context ?? await newDeskContext(env.browser)).newPage();
  await page.goto(`${env.base}/desk`);
  await page.getByLabel('Username').fill(agent.username);
  await page.getByLabel(/^Password/).fill(agent.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user-menu').waitFor();
  return page;
}

/** A contact assigned to the agent directly through the API (offer accepted over REST), for tests about reading. */
export async function assignTo(env: DeskEnv, agent: { username: string; password: string }, contactId: string): Promise<void> {
  const token = await env.app.login(agent.username, agent.password);
  await env.app.call('PUT', '/api/v1/agents/me/state', token, { state: 'ready' });
  const offer = await waitFor(async () => {
    const events = await env.app.call('GET', `/api/v1/contacts/${contactId}/events`, env.admin);
    return (events.events as Json[]).find((e) => e.type === 'offer.created');
  }, 30_000, 'offer');
  expect(offer).toBeTruthy();
  const offerId = (offer.data?.offer?.id ?? offer.offer?.id) as string;
  await env.app.call('POST', `/api/v1/offers/${encodeURIComponent(offerId)}/accept`, token);
  await env.app.call('PUT', '/api/v1/agents/me/state', token, { state: 'paused' }).catch(() => undefined);
}

/** Client-side navigation (no reload): what a click on an in-app link does. */
export async function navigateInApp(page: Page, path: string): Promise<void> {
  await page.evaluate(`history.pushState({}, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'));`);
}

/** Saves a screenshot of the page when a test fails (test-output/screenshots/failed-*.png), and the server's last output. */
export function diagnoseFailures(page: () => Page | undefined, env: () => DeskEnv | undefined): void {
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const p = page();
    if (p) await screenshot(p, `failed-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
    console.error(`switchyard output (last 3000 characters):\n${env()?.app.process.output().slice(-3000)}`);
  });
}
