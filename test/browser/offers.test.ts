import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, WebSocketRoute } from 'playwright-core';
import { guardPage, screenshot, seriousA11yViolations, type Guard } from './browser.js';
import { createAgent, diagnoseFailures, sendCustomerMail, signIn, startDeskEnv, type DeskEnv } from './desk.js';

/** Offers pop up live over the event stream; keyboard; park, transfer; a dropped socket misses nothing. */
describe('desktop: offers and contact actions', () => {
  let env: DeskEnv;
  let page: Page;
  let guard: Guard;
  let agent: { id: string; username: string; password: string };
  let colleague: { id: string; username: string; password: string };
  let contactId: string;

  beforeAll(async () => {
    env = await startDeskEnv();
    agent = await createAgent(env, { capacity: 3 });
    colleague = await createAgent(env);
    page = await signIn(env, null, agent);
    guard = await guardPage(page, env.base);
  });
  afterAll(async () => { await env?.close(); });
  diagnoseFailures(() => page, () => env);

  const state = () => page.getByTestId('agent-state').textContent();

  it('goes Ready, gets the offer live, accepts it with F10 and reads it', async () => {
    await page.getByRole('button', { name: 'Go Ready' }).click();
    await expect.poll(state).toBe('Ready');
    const contact = await sendCustomerMail(env, { subject: 'Offers: where is my parcel?', text: 'It has not arrived.' });
    contactId = contact.id;
    const offer = page.getByTestId('offer');
    await offer.waitFor({ timeout: 20_000 });
    await expect.poll(() => offer.textContent()).toContain('Offers: where is my parcel?');
    await screenshot(page, 'offer');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.keyboard.press('F10');
    await page.waitForURL(`**/desk/contacts/${contact.id}`);
    await expect.poll(() => page.getByTestId('message-text').textContent()).toContain('It has not arrived.');
    await expect.poll(() => page.getByTestId('capacity').textContent()).toBe('1 of 3 emails');
    expect(await offer.count()).toBe(0);
    await screenshot(page, 'desk');
    expect(guard.pageErrors).toEqual([]);
  });

  it('lists every action with its shortcut on the help overlay (?)', async () => {
    await page.keyboard.press('Shift+Slash');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    for (const label of ['Accept the offer', 'Decline the offer', 'Reply', 'Reply all', 'Forward', 'Park / take back', 'Transfer',
      'Close with a wrap-up code', 'Close unhandled', 'Go Ready', 'Next contact', 'Show keyboard shortcuts']) {
      expect(await help.getByRole('cell', { name: new RegExp(`^${label.replace(/[/?]/g, '.')}( \\(not now\\))?$`) }).count(), label).toBe(1);
    }
    expect(await help.getByText('F10').count()).toBe(1);
    await screenshot(page, 'help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  });

  it('parks the contact with a reminder (freeing capacity) and takes it back', async () => {
    await page.getByRole('button', { name: 'Park…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Park the contact' });
    await dialog.getByLabel('Remind me at (optional)').fill('2030-01-01T09:30');
    await dialog.getByRole('button', { name: 'Park' }).click();
    await expect.poll(() => page.getByTestId('parked-contact').count()).toBe(1);
    await expect.poll(() => page.getByTestId('capacity').textContent()).toBe('0 of 3 emails');
    expect((await env.app.call('GET', `/api/v1/contacts/${contactId}`, env.admin)).remindAt).toBe(new Date('2030-01-01T09:30').toISOString());
    await page.getByRole('button', { name: 'Take back' }).click();
    await expect.poll(() => page.getByTestId('my-contact').count()).toBe(1);
    await expect.poll(() => page.getByTestId('capacity').textContent()).toBe('1 of 3 emails');
  });

  it('transfers the contact to a colleague and becomes Paused', async () => {
    await page.keyboard.press('Alt+T');
    const dialog = page.getByRole('dialog', { name: 'Transfer the contact' });
    await dialog.getByLabel('To').click();
    await page.getByRole('option', { name: /^Agent 2/ }).click();
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await page.waitForURL('**/desk');
    await expect.poll(() => page.getByTestId('my-contact').count()).toBe(0);
    await expect.poll(state).toMatch(/^Paused/);
    expect(await env.app.call('GET', `/api/v1/contacts/${contactId}`, env.admin)).toMatchObject({ personalAgentId: colleague.id, status: 'queued' });
  });

  it('misses nothing when the event socket drops while an offer is made', async () => {
    const sockets: WebSocketRoute[] = [];
    const urls: string[] = [];
    let refuse = false;
    await page.routeWebSocket(/\/api\/v1\/events/, (ws) => {
      urls.push(ws.url());
      if (refuse) { void ws.close({ code: 1011, reason: 'test: network down' }); return; }
      sockets.push(ws);
      ws.connectToServer();
    });
    await page.reload();
    await page.getByTestId('agent-state').waitFor();
    await expect.poll(() => sockets.length).toBe(1);
    await page.getByRole('button', { name: 'Go Ready' }).click();
    await expect.poll(state).toBe('Ready');

    refuse = true;
    await sockets[0]!.close({ code: 1006, reason: 'test: drop' });
    await page.getByTestId('offline-banner').waitFor();
    await sendCustomerMail(env, { subject: 'Offers: sent while offline' });
    refuse = false;
    const offer = page.getByTestId('offer');
    await offer.waitFor({ timeout: 30_000 });
    await expect.poll(() => offer.textContent()).toContain('Offers: sent while offline');
    await page.getByTestId('offline-banner').waitFor({ state: 'hidden' });
    expect(urls.at(-1)).toMatch(/[?&]since=\d+/);
    await offer.getByRole('button', { name: 'Decline' }).click();
    await offer.waitFor({ state: 'hidden' });
  });

  it('has no serious accessibility violation in the dark theme either', async () => {
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await expect.poll(() => page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'desk-dark');
  });
});
