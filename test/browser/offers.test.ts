import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { guardPage, screenshot, seriousA11yViolations, type Guard } from './browser.js';
import { createAgent, sendCustomerMail, signIn, startDeskEnv, type DeskEnv } from './desk.js';

/** Offers pop up live over the event stream; accept by keyboard; a dropped socket misses nothing. */
describe('desktop: offers', () => {
  let env: DeskEnv;
  let page: Page;
  let guard: Guard;
  let agent: { id: string; username: string; password: string };

  beforeAll(async () => {
    env = await startDeskEnv();
    agent = await createAgent(env, { capacity: 3 });
    page = await signIn(env, null, agent);
    guard = await guardPage(page, env.base);
  });
  afterAll(async () => { await env?.close(); });

  it('goes Ready, gets the offer live, accepts it with F10 and reads it', async () => {
    await page.getByRole('button', { name: 'Go Ready' }).click();
    await expect.poll(() => page.getByTestId('agent-state').textContent()).toBe('Ready');
    const contact = await sendCustomerMail(env, { subject: 'Offers: where is my parcel?', text: 'It has not arrived.' });
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
    expect(guard.pageErrors).toEqual([]);
  });

  it('lists every action with its shortcut on the help overlay (?)', async () => {
    await page.keyboard.press('Shift+Slash');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    for (const label of ['Close the contact', 'Go Ready', 'Next contact', 'Show keyboard shortcuts']) {
      expect(await help.getByText(label).count(), label).toBe(1);
    }
    await screenshot(page, 'help');
    await page.keyboard.press('Escape');
  });

  it('closes the contact', async () => {
    await page.keyboard.press('Alt+C');
    await page.waitForURL('**/desk');
    await expect.poll(() => page.getByTestId('my-contact').count()).toBe(0);
  });
});
