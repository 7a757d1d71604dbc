import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { guardPage, screenshot, seriousA11yViolations, type Guard } from './browser.js';
import { assignTo, navigateInApp, createAgent, sendCustomerMail, signIn, startDeskEnv, type DeskEnv } from './desk.js';
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

  async function open(contactId: string): Promise<void> {
    await navigateInApp(page, `/desk/contacts/${contactId}`);
    await page.getByTestId('reader').waitFor();
    await page.waitForLoadState('load');
  }

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

  it('runs nothing and fetches nothing from our own hostile cases', async () => {
    for (const c of HOSTILE_CASES) {
      const contact = await sendCustomerMail(env, { subject: `Hostile: ${c.name}`, html: `<p>Case ${c.name}</p>${c.html}` });
      await assignTo(env, agent, contact.id);
      guard.reset();
      await open(contact.id);
      await page.waitForTimeout(150);
      expect({ case: c.name, scripts: guard.scripts, dialogs: guard.dialogs, errors: guard.pageErrors, requests: guard.foreignRequests })
        .toEqual({ case: c.name, scripts: [], dialogs: [], errors: [], requests: [] });
      expect(page.url()).toContain(`/desk/contacts/${contact.id}`);
    }
  });
});
