import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_ADMIN_PASSWORD, type Json } from '../support/app.js';
import { corpusAbsentMessage, corpusEntries } from '../support/corpus.js';
import { imapClient, waitFor } from '../support/mailstack.js';
import type { Page } from 'playwright-core';
import { guardPage, screenshot, seriousA11yViolations, type Guard } from './browser.js';
import { assignTo, diagnoseFailures, navigateInApp, createAgent, sendCustomerMail, signIn, startDeskEnv, type DeskEnv } from './desk.js';
import { EVIL, HOSTILE_CASES } from './hostile-cases.js';

/** Reading mail in the desktop: sandboxed HTML, blocked remote content until "show images", attachments. */
describe('desktop: reading hostile and ordinary mail', () => {
  let env: DeskEnv;
  let page: Page;
  let guard: Guard;
  let agent: { id: string; username: string; password: string };

  beforeAll(async () => {
    env = await startDeskEnv();
    agent = await createAgent(env, { capacity: 20 });
    page = await signIn(env, null, agent);
    guard = await guardPage(page, env.base);
  });
  afterAll(async () => { await env?.close(); });
  diagnoseFailures(() => page, () => env);

  let admin: { page: Page; guard: Guard } | null = null;
  /** A supervisor's desk (admin): reads any contact by its URL, no offer needed. */
  async function adminPage(): Promise<{ page: Page; guard: Guard }> {
    if (admin) return admin;
    const p = await signIn(env, null, { username: 'admin', password: E2E_ADMIN_PASSWORD });
    admin = { page: p, guard: await guardPage(p, env.base) };
    return admin;
  }

  /** Opens a contact in the desk (client-side navigation) and waits until its frame has loaded. */
  async function openAs(p: Page, contactId: string, g: Guard): Promise<void> {
    g.reset();
    await navigateInApp(p, `/desk/contacts/${contactId}`);
    await p.locator(`[data-testid="reader"][data-contact-id="${contactId}"]`).waitFor();
    if (await p.getByTestId('message-frame').count()) await p.frameLocator('[data-testid="message-frame"]').locator('body').waitFor({ state: 'attached' });
  }

  async function open(contactId: string): Promise<void> {
    await navigateInApp(page, `/desk/contacts/${contactId}`);
    await page.getByTestId('reader').waitFor();
    await page.waitForLoadState('load');
  }

  it('has a guard that does see a script running in a frame (so its silence below means something)', async () => {
    const probe = await env.browser.newPage();
    try {
      const g = await guardPage(probe, env.base);
      await probe.setContent('<p>probe</p>');
      await probe.evaluate('document.body.insertAdjacentHTML("beforeend", `<iframe srcdoc="<script>window.ran = 1<\\/script>"></iframe>`)');
      await expect.poll(() => g.scripts.length).toBeGreaterThan(0);
    } finally { await probe.close(); }
  });

  it('shows a mail with remote images blocked until "show images", then only on request', async () => {
    await page.route(`${EVIL}/**`, (route) => route.fulfill({ status: 200, contentType: 'image/gif', body: Buffer.from('R0lGODlhAQABAAAAACw=', 'base64') }));
    const contact = await sendCustomerMail(env, {
      subject: 'Reading: newsletter with images',
      html: `<h1>Spring offers</h1><p>Dear customer, see <a href="https://example.org/shop">our shop</a>.</p><img alt="logo" src="${EVIL}/logo.gif"><p style="color:#036">Regards</p>`,
      attachments: [{ filename: 'invoice.pdf', content: Buffer.alloc(2048, 1), contentType: 'application/pdf' }],
    });
    await assignTo(env, agent, contact.id);
    guard.reset();
    await open(contact.id);
    const frame = page.frameLocator('[data-testid="message-frame"]');
    await expect.poll(() => frame.getByRole('heading', { name: 'Spring offers' }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('remote-notice').textContent()).toContain('1 remote image blocked');
    await expect.poll(() => page.getByRole('link', { name: 'invoice.pdf' }).getAttribute('href')).toMatch(/\/attachments\/\d+$/);
    expect(await page.getByText('2.0 KB · application/pdf').count()).toBe(1);
    await screenshot(page, 'reader');
    expect(guard.foreignRequests).toEqual([]);
    await page.getByRole('button', { name: 'Show images' }).click();
    await expect.poll(() => guard.foreignRequests).toEqual([`${EVIL}/logo.gif`]);
    expect(guard.scripts).toEqual([]);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('"always show images" from a sender is kept on the server: it follows the agent to another device, and can be taken back', async () => {
    const from = '"Newsletter" <news@shop.example.org>';
    const html = (n: string) => `<h1>Issue ${n}</h1><img alt="banner" src="${EVIL}/banner-${n}.gif">`;
    const first = await sendCustomerMail(env, { subject: 'Reading: always images 1', from, html: html('1') });
    await assignTo(env, agent, first.id);
    guard.reset();
    await open(first.id);
    await expect.poll(() => page.getByTestId('remote-notice').textContent()).toContain('1 remote image blocked');
    expect(guard.foreignRequests).toEqual([]);
    await page.getByLabel('Always show images from news@shop.example.org').click();
    await expect.poll(() => guard.foreignRequests).toEqual([`${EVIL}/banner-1.gif`]);
    const token = await env.app.login(agent.username, agent.password);
    expect(await env.app.call('GET', '/api/v1/agents/me/image-senders', token)).toEqual({ senders: ['news@shop.example.org'] });

    // Another device (a fresh browser context, nothing in its storage): the next mail of that sender shows its images at once.
    const second = await sendCustomerMail(env, { subject: 'Reading: always images 2', from, html: html('2') });
    await assignTo(env, agent, second.id);
    const other = await signIn(env, null, agent);
    try {
      await other.route(`${EVIL}/**`, (route) => route.fulfill({ status: 200, contentType: 'image/gif', body: Buffer.from('R0lGODlhAQABAAAAACw=', 'base64') }));
      const otherGuard = await guardPage(other, env.base);
      await navigateInApp(other, `/desk/contacts/${second.id}`);
      await expect.poll(() => other.getByTestId('remote-notice').textContent()).toContain('Remote images are shown.');
      await expect.poll(() => otherGuard.foreignRequests).toEqual([`${EVIL}/banner-2.gif`]);
      expect(await other.getByLabel('Always show images from news@shop.example.org').isChecked()).toBe(true);
      // Taken back there: blocked again, for the next message and for this one.
      await other.getByLabel('Always show images from news@shop.example.org').click();
      await expect.poll(() => other.getByTestId('remote-notice').textContent()).toContain('1 remote image blocked');
      expect(otherGuard.scripts).toEqual([]);
    } finally { await other.context().close(); }
    expect(await env.app.call('GET', '/api/v1/agents/me/image-senders', token)).toEqual({ senders: [] });
    // "Show images" on one message stays a one-message choice.
    const third = await sendCustomerMail(env, { subject: 'Reading: always images 3', from, html: html('3') });
    await assignTo(env, agent, third.id);
    guard.reset();
    await open(third.id);
    await expect.poll(() => page.getByTestId('remote-notice').textContent()).toContain('1 remote image blocked');
    expect(guard.foreignRequests).toEqual([]);
  });

  it('runs nothing and fetches nothing from our own hostile cases', async () => {
    const contacts = await Promise.all(HOSTILE_CASES.map((c) => sendCustomerMail(env, { subject: `Hostile: ${c.name}`, html: `<p>Case ${c.name}</p>${c.html}` })));
    const admin = await adminPage();
    for (const [i, c] of HOSTILE_CASES.entries()) {
      await openAs(admin.page, contacts[i]!.id, admin.guard);
      await admin.page.waitForTimeout(100);
      expect({ case: c.name, scripts: admin.guard.scripts, dialogs: admin.guard.dialogs, errors: admin.guard.pageErrors, requests: admin.guard.foreignRequests })
        .toEqual({ case: c.name, scripts: [], dialogs: [], errors: [], requests: [] });
      expect(admin.page.url()).toContain(`/desk/contacts/${contacts[i]!.id}`);
    }
  });

  const hostileCorpus = (corpusEntries() ?? []).filter((e) => e.category === 'xss' || e.category === 'html');
  it.skipIf(hostileCorpus.length === 0)(`opens every xss and html message of the corpus without running or fetching anything (${hostileCorpus.length || corpusAbsentMessage()})`, async () => {
    const since = Date.now() - 1000;
    // Straight into the watched Dovecot mailbox (IMAP APPEND keeps each file byte for byte).
    const imap = imapClient(env.support.address, env.support.password);
    await imap.connect();
    try { for (const e of hostileCorpus) await imap.append('INBOX', readFileSync(e.file)); } finally { await imap.logout(); }
    const imported = async () => {
      const c = imapClient(env.support.address, env.support.password);
      await c.connect();
      try { return (await c.search({ seen: false }, { uid: true }) || []).length === 0; } finally { await c.logout(); }
    };
    await waitFor(imported, 90_000, 'every corpus message imported (seen)', 500);
    // Imported means stored; contacts follow through the pipeline: wait until their number stops growing.
    let last = -1;
    const contacts = await waitFor(async () => {
      const list = (await env.app.call('GET', '/api/v1/contacts?limit=500', env.admin)).contacts as Json[];
      const quarantined = (await env.app.call('GET', '/api/v1/quarantine?state=all&limit=500', env.admin)).quarantine as Json[];
      const mine = list.filter((c) => Date.parse(c.createdAt) >= since);
      const n = mine.length + quarantined.length;
      const stable = n > 0 && n === last;
      last = n;
      return stable ? mine : null;
    }, 90_000, 'corpus contacts', 1500);
    expect(contacts.length).toBeGreaterThan(hostileCorpus.length / 2);

    // Three tabs of the supervisor's desk share the work; each has its own guard.
    const first = await adminPage();
    const tabs = [first, ...await Promise.all([1, 2].map(async () => {
      const p = await first.page.context().newPage();
      await p.goto(`${env.base}/desk`);
      await p.getByTestId('agent-state').waitFor();
      return { page: p, guard: await guardPage(p, env.base) };
    }))];
    const problems: Json[] = [];
    const started = Date.now();
    const queue = [...contacts];
    await Promise.all(tabs.map(async (tab) => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        await openAs(tab.page, c.id, tab.guard);
        const found = { scripts: tab.guard.scripts, dialogs: tab.guard.dialogs, errors: tab.guard.pageErrors, requests: tab.guard.foreignRequests };
        if (Object.values(found).some((v) => v.length > 0)) problems.push({ subject: c.subject, ...found });
        if (!tab.page.url().endsWith(`/desk/contacts/${c.id}`)) problems.push({ subject: c.subject, navigatedTo: tab.page.url() });
      }
    }));
    console.log(`opened ${contacts.length} corpus contacts in ${Date.now() - started} ms`);
    expect(problems).toEqual([]);
  }, 240_000);
});
