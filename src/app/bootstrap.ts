import { randomBytes } from 'node:crypto';
import type { Deps } from './deps.js';
import { hashPassword } from '../adapters/crypto/secrets.js';
import { countUsers, createUser, findUserByName } from '../storage/repositories/users.js';
import { createAccount } from '../storage/repositories/accounts.js';

/** On an empty database: the user `admin` (SWITCHYARD_ADMIN_PASSWORD, or a generated password printed once). */
export async function ensureAdmin(deps: Deps): Promise<{ created: boolean; password: string | null; generated: boolean }> {
  if ((await countUsers(deps.storage.db)) > 0) return { created: false, password: null, generated: false };
  const generated = !deps.config.adminPassword;
  const password = deps.config.adminPassword ?? randomBytes(12).toString('base64url');
  const r = await createUser(deps.storage.db, { username: 'admin', displayName: 'Administrator', passwordHash: await hashPassword(password), role: 'admin' }, deps.clock());
  // Another process may have won the race on a shared database: that is fine.
  return r.ok ? { created: true, password, generated } : { created: false, password: null, generated: false };
}

export const DEMO = {
  account: 'support@demo.switchyard.test',
  smtpHost: '127.0.0.1',
  agents: [
    { username: 'alice', displayName: 'Alice Andersson', password: 'alice-demo', email: null, note: 'built-in mode: reads mail through the API / desktop' },
    { username: 'bob', displayName: 'Bob Berg', password: 'bob-demo', email: 'bob@agents.demo.switchyard.test', note: 'external-client mode: mail is redirected to his address' },
  ],
} as const;

/** The demo organisation: two agents, one SMTP-fed entrance with its queue. Idempotent. */
export async function ensureDemo(deps: Deps): Promise<{ created: boolean }> {
  const now = deps.clock();
  let created = false;
  for (const a of DEMO.agents) {
    if (await findUserByName(deps.storage.db, a.username)) continue;
    const r = await createUser(deps.storage.db, { username: a.username, displayName: a.displayName, passwordHash: await hashPassword(a.password), role: 'agent', email: a.email, skills: {} }, now);
    created = created || r.ok;
  }
  const port = deps.config.demoSmtpPort;
  // SWITCHYARD_DEMO_SMTP_PORT changed since the demo was set up: the demo entrance listens on the new port.
  await deps.storage.db.updateTable('accounts').set({ port, updated_at: now }).where('address', '=', DEMO.account).where('port', '!=', port).execute();
  const r = await createAccount(deps.storage.db, {
    address: DEMO.account, protocol: 'smtp', host: DEMO.smtpHost, port, security: 'none', username: null, passwordSealed: null,
    mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: DEMO.account,
    alternativeAddresses: [], enabled: true,
  }, now);
  return { created: created || r.ok };
}
