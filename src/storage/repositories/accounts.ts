import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountRow, Database } from '../schema.js';
import { isUniqueViolation } from '../db.js';

/** Accounts, SMTP servers, entrances and queues: the mail-side configuration. Secrets arrive sealed. */

export type Security = 'none' | 'starttls' | 'tls';

export interface SmtpServerInput {
  name: string;
  host: string;
  port: number;
  security: Security;
  auth: { user: string; secretSealed: string; method: 'PLAIN' | 'LOGIN' | 'CRAM-MD5' } | null;
  /** Accept a self-signed TLS certificate. */
  allowSelfSigned?: boolean;
  /** Switched off: its outbox rows wait until it is enabled again. */
  enabled?: boolean;
}

export async function createSmtpServer(db: Kysely<Database>, input: SmtpServerInput, now: number) {
  const exists = await db.selectFrom('smtp_servers').select('id').where('name', '=', input.name).executeTakeFirst();
  if (exists) return { ok: false as const, code: 'smtp_server.exists', message: `an SMTP server named '${input.name}' already exists` };
  const row = {
    id: randomUUID(), name: input.name, host: input.host, port: input.port, security: input.security,
    auth_user: input.auth?.user ?? null, auth_secret: input.auth?.secretSealed ?? null, auth_method: input.auth?.method ?? null,
    created_at: now, updated_at: now, allow_self_signed: input.allowSelfSigned ? 1 : 0, disabled: input.enabled === false ? 1 : 0,
  };
  await db.insertInto('smtp_servers').values(row).execute();
  return { ok: true as const, server: row };
}

export const listSmtpServers = (db: Kysely<Database>) => db.selectFrom('smtp_servers').selectAll().orderBy('name').execute();
export const findSmtpServer = (db: Kysely<Database>, id: string) => db.selectFrom('smtp_servers').selectAll().where('id', '=', id).executeTakeFirst();

export function toSmtpServerView(row: Awaited<ReturnType<typeof findSmtpServer>> & object) {
  return {
    id: row.id, name: row.name, host: row.host, port: row.port, security: row.security,
    auth: row.auth_user ? { user: row.auth_user, method: row.auth_method, passwordSet: row.auth_secret !== null } : null,
    allowSelfSigned: row.allow_self_signed === 1, enabled: row.disabled === 0, updatedAt: new Date(row.updated_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export interface AccountInput {
  address: string;
  protocol: 'imap' | 'smtp';
  host: string;
  port: number;
  security: Security;
  username: string | null;
  passwordSealed: string | null;
  mailbox: string;
  afterImport: 'seen' | 'move' | 'delete';
  moveTo: string | null;
  pollIntervalSeconds: number;
  smtpServerId: string | null;
  returnAddress: string | null;
  alternativeAddresses: string[];
  enabled: boolean;
  /** IMAP folder for copies of sent answers; absent/null = the special-use \\Sent mailbox. */
  sentFolder?: string | null;
  /** Accept a self-signed TLS certificate. */
  allowSelfSigned?: boolean;
  /** Route the new entrance to this queue; when absent a queue named after the address is created. */
  queueId?: string | null;
}

export type CreateAccountResult =
  | { ok: true; account: AccountRow; entranceId: string; queueId: string }
  | { ok: false; code: 'account.exists' | 'entrance.exists' | 'smtp_server.unknown' | 'queue.unknown'; message: string };

/** Creates the account, its entrance (named after the address) and, unless given, its queue: one transaction. */
export async function createAccount(db: Kysely<Database>, input: AccountInput, now: number): Promise<CreateAccountResult> {
  const address = input.address.toLowerCase();
  return db.transaction().execute(async (trx): Promise<CreateAccountResult> => {
    if (await trx.selectFrom('accounts').select('id').where('address', '=', address).executeTakeFirst()) {
      return { ok: false, code: 'account.exists', message: `an account for '${address}' already exists` } as const;
    }
    if (await trx.selectFrom('entrances').select('id').where('name', '=', address).executeTakeFirst()) {
      return { ok: false, code: 'entrance.exists', message: `an entrance named '${address}' already exists` } as const;
    }
    if (input.smtpServerId && !(await trx.selectFrom('smtp_servers').select('id').where('id', '=', input.smtpServerId).executeTakeFirst())) {
      return { ok: false, code: 'smtp_server.unknown', message: `no SMTP server with id '${input.smtpServerId}'` } as const;
    }
    let queueId = input.queueId ?? null;
    if (queueId) {
      if (!(await trx.selectFrom('queues').select('id').where('id', '=', queueId).executeTakeFirst())) {
        return { ok: false, code: 'queue.unknown', message: `no queue with id '${queueId}'` } as const;
      }
    } else {
      const existing = await trx.selectFrom('queues').select('id').where('name', '=', address).executeTakeFirst();
      queueId = existing?.id ?? randomUUID();
      if (!existing) await trx.insertInto('queues').values({ id: queueId, name: address, created_at: now }).execute();
    }
    const account: AccountRow = {
      id: randomUUID(), address, protocol: input.protocol, host: input.host, port: input.port, security: input.security,
      username: input.username, password_secret: input.passwordSealed, mailbox: input.mailbox, after_import: input.afterImport,
      move_to: input.moveTo, poll_interval_seconds: input.pollIntervalSeconds, smtp_server_id: input.smtpServerId,
      return_address: input.returnAddress?.toLowerCase() ?? null, alternative_addresses: JSON.stringify(input.alternativeAddresses.map((a) => a.toLowerCase())),
      sent_folder: input.sentFolder ?? null, enabled: input.enabled ? 1 : 0, health_state: input.enabled ? 'starting' : 'disabled', health_last_success_at: null,
      health_last_error: null, health_last_error_at: null, health_updated_at: now, created_at: now, updated_at: now,
      allow_self_signed: input.allowSelfSigned ? 1 : 0,
    };
    await trx.insertInto('accounts').values(account).execute();
    const entranceId = randomUUID();
    await trx.insertInto('entrances').values({ id: entranceId, name: address, account_id: account.id, queue_id: queueId, created_at: now }).execute();
    return { ok: true, account, entranceId, queueId } as const;
  }).catch((err: unknown) => {
    // A concurrent create of the same address (e.g. several processes seeding the demo) loses the race cleanly.
    if (isUniqueViolation(err)) return { ok: false, code: 'account.exists', message: `an account for '${address}' already exists` } as const;
    throw err;
  });
}

export const listAccounts = (db: Kysely<Database>) => db.selectFrom('accounts').selectAll().orderBy('address').execute();
export const findAccount = (db: Kysely<Database>, id: string) => db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
export const listEnabledAccounts = (db: Kysely<Database>, protocol: 'imap' | 'smtp') =>
  db.selectFrom('accounts').selectAll().where('enabled', '=', 1).where('protocol', '=', protocol).execute();

export interface AccountHealth { state: string; lastSuccessAt?: number; lastError?: string | null }

export async function updateAccountHealth(db: Kysely<Database>, accountId: string, health: AccountHealth, now: number): Promise<void> {
  await db.updateTable('accounts').set({
    health_state: health.state,
    health_updated_at: now,
    ...(health.lastSuccessAt !== undefined ? { health_last_success_at: health.lastSuccessAt } : {}),
    ...(health.lastError !== undefined ? { health_last_error: health.lastError, health_last_error_at: health.lastError ? now : null } : {}),
  }).where('id', '=', accountId).execute();
}

export function toAccountView(row: AccountRow, entranceId: string | null) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id, address: row.address, protocol: row.protocol, host: row.host, port: row.port, security: row.security,
    username: row.username, passwordSet: row.password_secret !== null, mailbox: row.mailbox, afterImport: row.after_import,
    moveTo: row.move_to, pollIntervalSeconds: row.poll_interval_seconds, smtpServerId: row.smtp_server_id,
    returnAddress: row.return_address, alternativeAddresses: JSON.parse(row.alternative_addresses) as string[], sentFolder: row.sent_folder ?? null,
    enabled: row.enabled === 1, allowSelfSigned: row.allow_self_signed === 1, entranceId,
    health: { state: row.health_state, lastSuccessAt: iso(row.health_last_success_at), lastError: row.health_last_error, lastErrorAt: iso(row.health_last_error_at), updatedAt: iso(row.health_updated_at) },
    createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export const listEntrances = (db: Kysely<Database>) => db.selectFrom('entrances').selectAll().orderBy('name').execute();
export const entranceForAccount = (db: Kysely<Database>, accountId: string) =>
  db.selectFrom('entrances').selectAll().where('account_id', '=', accountId).executeTakeFirst();
export const listQueues = (db: Kysely<Database>) => db.selectFrom('queues').selectAll().orderBy('name').execute();

// Administration (issue 9): changes and in-use checks.
export type SmtpServerRow = NonNullable<Awaited<ReturnType<typeof findSmtpServer>>>;

export async function updateSmtpServer(db: Kysely<Database>, id: string, set: Partial<Omit<SmtpServerRow, 'id' | 'created_at'>>, now: number) {
  try {
    await db.updateTable('smtp_servers').set({ ...set, updated_at: now }).where('id', '=', id).execute();
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false as const, code: 'smtp_server.exists', message: `an SMTP server named '${set.name ?? ''}' already exists` };
    throw err;
  }
  return { ok: true as const, server: (await findSmtpServer(db, id))! };
}

export async function updateAccount(db: Kysely<Database>, id: string, set: Partial<Omit<AccountRow, 'id' | 'created_at' | 'address' | 'protocol'>>, now: number): Promise<AccountRow> {
  await db.updateTable('accounts').set({ ...set, updated_at: now }).where('id', '=', id).execute();
  return (await findAccount(db, id))!;
}

/** Addresses of the accounts that send through this SMTP server. */
export async function smtpServerUsers(db: Kysely<Database>, id: string): Promise<string[]> {
  return (await db.selectFrom('accounts').select('address').where('smtp_server_id', '=', id).orderBy('address').execute()).map((a) => a.address);
}

/** What keeps an account from being deleted: its stored messages (contacts and history refer to them). */
export async function accountUses(db: Kysely<Database>, id: string): Promise<string[]> {
  const r = await db.selectFrom('inbound_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', id).executeTakeFirstOrThrow();
  return Number(r.n) ? [`${Number(r.n)} stored message(s)`] : [];
}

export async function deleteAccount(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('entrances').set({ account_id: null }).where('account_id', '=', id).execute();
    await trx.deleteFrom('account_cursors').where('account_id', '=', id).execute();
    await trx.deleteFrom('account_limits').where('account_id', '=', id).execute();
    await trx.deleteFrom('accounts').where('id', '=', id).execute();
  });
}
