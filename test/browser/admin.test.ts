import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { E2E_ADMIN_PASSWORD, startApp, type RunningApp } from '../support/app.js';
import { freshMailbox, MAIL, smtpTransport } from '../support/mailstack.js';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { guardPage, launchChromium, newDeskContext, screenshot, seriousA11yViolations, type Guard } from './browser.js';
import { pick } from './forms.js';

/**
 * The admin console against the real Dovecot/Postfix: an SMTP server and an IMAP account set up
 * with their connection tests, a category, a queue with a requirement and a routing rule; then a
 * mail sent through Postfix shows up in the supervisor monitor as waiting, then offered, live.
 */
describe('admin console and monitor', () => {
  let tdb: TestDatabase;
  let app: RunningApp;
  let browser: Browser;
  let admin: Page;
  let guard: Guard;
  let adminToken: string;
  const support = freshMailbox('admin-ui');

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    app = await startApp(tdb);
    [browser, adminToken] = await Promise.all([launchChromium(), app.login('admin', E2E_ADMIN_PASSWORD)]);
    // The skill the queue's requirement names (the skills page is not what this test is about).
    await app.call('POST', '/api/v1/routing/skills', adminToken, { areaId: 'default', name: 'billing' });
    admin = await (await newDeskContext(browser)).newPage();
    guard = await guardPage(admin, app.base);
    await admin.goto(`${app.base}/admin`);
    await admin.getByLabel(/^Username( \*)?$/).fill('admin');
    await admin.getByLabel(/^Password/).fill(E2E_ADMIN_PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('navigation', { name: 'Admin console' }).waitFor();
  }, 120_000);
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    console.error(`switchyard output:\n${app?.process.output().slice(-4000)}`);
    await screenshot(admin, `failed-${task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    const state = await Promise.all(['/api/v1/contacts?limit=20', '/api/v1/monitor'].map((p) => app.call('GET', p, adminToken).catch((e: Error) => e.message)));
    console.error('contacts and monitor at failure:', JSON.stringify(state).slice(0, 4000));
  });
  afterAll(async () => { await browser?.close().catch(() => undefined); await app?.process.kill('SIGTERM'); await tdb?.drop(); });

  it('adds an SMTP server after its connection test shows the server\'s own words', async () => {
    await admin.getByRole('link', { name: 'SMTP servers' }).click();
    await admin.getByRole('button', { name: 'Add SMTP server' }).click();
    const drawer = admin.getByRole('dialog', { name: 'Add SMTP server' });
    await drawer.getByLabel(/^Name( \*)?$/).fill('Postfix');
    await drawer.getByLabel(/^Host( \*)?$/).fill(MAIL.host);
    await drawer.getByLabel(/^Port( \*)?$/).fill(String(MAIL.smtpPort));
    await pick(admin, drawer.getByLabel(/^Security( \*)?$/), 'None (plain)');
    // A wrong port first: the failure names its stage and quotes the system.
    await drawer.getByLabel(/^Port( \*)?$/).fill('1');
    await drawer.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => drawer.getByTestId('connection-test-result').textContent(), { timeout: 15_000 }).toMatch(/failed at/);
    await drawer.getByLabel(/^Port( \*)?$/).fill(String(MAIL.smtpPort));
    await drawer.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => drawer.getByTestId('connection-test-result').textContent(), { timeout: 15_000 }).toMatch(/connection works/);
    await drawer.getByRole('button', { name: 'Add SMTP server' }).click();
    await admin.getByTestId('smtp-server-row').filter({ hasText: 'Postfix' }).waitFor();
    // The row's switch turns it off (its mail would wait in the outbox) and on again.
    const enabled = async () => ((await app.call('GET', '/api/v1/smtp-servers', adminToken)).smtpServers as Array<{ name: string; enabled: boolean }>).find((x) => x.name === 'Postfix')?.enabled;
    const toggle = admin.getByRole('switch', { name: 'Enabled: Postfix' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await expect.poll(enabled).toBe(false);
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await toggle.click();
    await expect.poll(enabled).toBe(true);
    await expect.poll(() => toggle.isChecked()).toBe(true);
  });

  it('previews an answer template rendered by the server, as typed, naming what it cannot fill', async () => {
    await app.call('POST', '/api/v1/answer-templates', adminToken, {
      name: 'Parcel news', defaultLanguage: 'en', versions: { en: { subject: 'Case {{case.number}}', body: 'Dear {{customer.name}}, it comes soon.' }, de: { subject: 'Fall', body: 'Hallo {{customer.name}}' } },
    });
    await admin.getByRole('link', { name: 'Answer templates' }).click();
    await admin.getByRole('button', { name: 'Edit Parcel news' }).click();
    const drawer = admin.getByRole('dialog', { name: /template/i });
    // Typed, not saved: the preview shows the text as it is in the form.
    await drawer.getByLabel('Text').first().fill('Dear {{customer.name}}, {{estimatedWait}} {{no.such}}');
    const preview = drawer.getByTestId('template-preview');
    await preview.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => preview.getByTestId('preview-text').textContent()).toBe('Dear Kim Sample, {{estimatedWait}} {{no.such}}');
    expect(await preview.getByTestId('preview-subject').textContent()).toBe('Case 12345');
    await expect.poll(() => preview.getByTestId('preview-problems').textContent()).toContain('No value here for {{estimatedWait}}');
    expect(await preview.getByTestId('preview-problems').textContent()).toContain('Not a variable: {{no.such}}');
    await pick(admin, preview.getByLabel('Language version'), 'de');
    await preview.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => preview.getByTestId('preview-text').textContent()).toBe('Hallo Kim Sample');
    await admin.keyboard.press('Escape');
  });

  it('adds the IMAP account: tests it, picks the folder from the server\'s list, watches it', async () => {
    await admin.getByRole('link', { name: 'Accounts' }).click();
    await admin.getByRole('button', { name: 'Add account' }).click();
    const drawer = admin.getByRole('dialog', { name: 'Add mail account' });
    await drawer.getByLabel(/^Address( \*)?$/).fill(support.address);
    await drawer.getByLabel(/^IMAP host( \*)?$/).fill(MAIL.host);
    await drawer.getByLabel(/^Port( \*)?$/).fill(String(MAIL.imapPort));
    await pick(admin, drawer.getByLabel(/^Security( \*)?$/), 'None (plain)');
    await drawer.getByLabel(/^User name( \*)?$/).fill(support.address);
    await drawer.getByLabel(/^Password/).fill('wrong-password');
    await drawer.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => drawer.getByTestId('connection-test-result').textContent(), { timeout: 15_000 }).toMatch(/failed at[\s\S]*The server said/i);
    await drawer.getByLabel(/^Password/).fill(support.password);
    await drawer.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => drawer.getByTestId('connection-test-result').textContent(), { timeout: 15_000 }).toMatch(/connection works[\s\S]*INBOX holds 0 messages/);
    await pick(admin, drawer.getByLabel(/^Mailbox \(folder to read\)( \*)?$/), /^INBOX/);
    await pick(admin, drawer.getByLabel(/^SMTP server for answers( \*)?$/), 'Postfix');
    await drawer.getByRole('button', { name: 'Add account' }).click();
    const row = admin.getByTestId('account-row').filter({ hasText: support.address });
    await expect.poll(() => row.getByTestId('account-health').textContent(), { timeout: 30_000 }).toMatch(/idle|polling|listening/);
    await screenshot(admin, 'admin-accounts');
    expect(await seriousA11yViolations(admin)).toEqual([]);
  });

  it('sets up a category, a queue with a checked requirement and a routing rule', async () => {
    await admin.getByRole('link', { name: 'Keyword categories' }).click();
    await admin.getByRole('button', { name: 'Add category' }).click();
    let drawer = admin.getByRole('dialog', { name: 'Add category' });
    await drawer.getByLabel(/^Name( \*)?$/).fill('Billing');
    await drawer.getByLabel(/^Keywords/).fill('invoice\nrefund');
    await drawer.getByRole('button', { name: 'Add category' }).click();
    await admin.getByRole('cell', { name: 'invoice, refund' }).waitFor();

    await admin.getByRole('link', { name: 'Queues' }).click();
    await admin.getByRole('button', { name: 'Add queue' }).click();
    drawer = admin.getByRole('dialog', { name: 'Add queue' });
    await drawer.getByLabel(/^Name( \*)?$/).fill('Billing queue');
    // The server's live check: an unknown skill is named beside the field, a known one passes.
    await drawer.getByLabel(/^Requirement( \*)?$/).fill('bilingg>=3');
    await expect.poll(() => drawer.getByText(/bilingg/).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await drawer.getByLabel(/^Requirement( \*)?$/).fill('billing>=3');
    await drawer.getByTestId('requirement-ok').waitFor({ timeout: 10_000 });
    await drawer.getByLabel(/^Longest wait \(s\)( \*)?$/).fill('3600');
    await drawer.getByRole('button', { name: 'Add queue' }).click();
    await admin.getByTestId('queue-row').filter({ hasText: 'Billing queue' }).waitFor();

    await admin.getByRole('link', { name: 'Routing table' }).click();
    await admin.getByRole('button', { name: 'Add rule' }).click();
    await admin.getByRole('button', { name: 'Add criterion' }).click();
    await admin.getByLabel(/^Rule 1: criterion 1 value( \*)?$/).fill('Billing');
    await pick(admin, admin.getByRole('combobox', { name: 'Rule 1: destination 1 queue' }), 'Billing queue');
    await admin.getByRole('button', { name: 'Save routing table' }).click();
    await admin.getByText('Routing table saved').waitFor();
    const rules = await app.call('GET', '/api/v1/routing/areas/default/routing-rules', adminToken);
    expect(rules.rules).toHaveLength(1);
    expect(rules.rules[0].criteria).toEqual([{ key: 'categories', op: 'equals', value: 'Billing' }]);
    await screenshot(admin, 'admin-routing');
    await admin.getByRole('link', { name: 'Accounts' }).click();
    await screenshot(admin, 'admin');
  });

  it('shows a mail through Postfix waiting in that queue, then offered, live on the monitor', async () => {
    const monitor = await admin.context().newPage();
    await monitor.goto(`${app.base}/monitor`);
    await monitor.getByTestId('monitor-queues').waitFor();
    const row = monitor.getByTestId('monitor-queue-row').and(monitor.locator('[data-queue="Billing queue"]'));
    await row.waitFor();
    const reloads: string[] = [];
    monitor.on('framenavigated', (f) => { if (f === monitor.mainFrame()) reloads.push(f.url()); });

    const transport = smtpTransport();
    try {
      await transport.sendMail({ from: 'customer@example.org', to: support.address, subject: 'Invoice 4711', text: 'Please send the invoice again.' });
    } finally { transport.close(); }
    await expect.poll(() => row.getByTestId('waiting').textContent(), { timeout: 30_000 }).toBe('1');
    expect(await row.getAttribute('data-alert')).toBe('false');

    // A skilled agent goes ready (over the API, as the desk would): the contact is offered.
    const agent = await app.call('POST', '/api/v1/users', adminToken, { username: 'bella', displayName: 'Bella', password: 'bella-password', role: 'agent' });
    await app.call('PUT', `/api/v1/routing/agents/${agent.id}`, adminToken, { skills: { billing: 5 } });
    const bella = await app.login('bella', 'bella-password');
    await app.call('PUT', '/api/v1/agents/me/state', bella, { state: 'ready' });
    await expect.poll(() => row.getByTestId('offered').textContent(), { timeout: 20_000 }).toBe('1');
    await expect.poll(() => row.getByTestId('waiting').textContent()).toBe('0');
    await monitor.getByTestId('monitor-agent-row').filter({ hasText: 'Bella' }).waitFor();
    expect(reloads).toEqual([]);
    await screenshot(monitor, 'monitor');
    expect(await seriousA11yViolations(monitor)).toEqual([]);

    await monitor.getByRole('link', { name: 'Wallboard' }).click();
    await expect.poll(() => monitor.getByTestId('wallboard-tile').count()).toBeGreaterThan(0);
    await screenshot(monitor, 'wallboard');
    expect(guard.pageErrors).toEqual([]);
  });

  it('reports statistics per hour in a chosen time zone (the mail above counted in Berlin\'s local hour)', async () => {
    await admin.goto(`${app.base}/statistics`);
    await pick(admin, admin.getByRole('combobox', { name: 'Interval' }), 'Hour');
    await admin.getByRole('combobox', { name: 'Time zone' }).fill('Europe/Berl');
    await admin.getByRole('option', { name: 'Europe/Berlin' }).click();
    await admin.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => admin.getByTestId('report-zone').textContent()).toMatch(/^Periods in Europe\/Berlin, from \d{4}-\d{2}-\d{2}T00:00:00\+0[12]:00/);
    // The mail arrived within the last minutes: its row is this local hour (or the one before, right after a full hour).
    const hours = [0, 1].map((back) => {
      const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(Date.now() - back * 3_600_000));
      const v = (t: string) => p.find((x) => x.type === t)!.value;
      return `${v('month')}-${v('day')} ${v('hour')}:00`;
    });
    await expect.poll(async () => (await Promise.all(hours.map((h) => admin.getByText(h, { exact: true }).count()))).some((n) => n > 0)).toBe(true);
    expect(await admin.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toContain('timeZone=Europe%2FBerlin');
  });
});
