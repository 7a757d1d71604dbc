import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../schema.js';
import { LOCKS, type Storage } from '../db.js';

export type Role = 'admin' | 'supervisor' | 'agent';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  email: string | null;
  skills: Record<string, number>;
  capacity: number;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    email: row.email,
    skills: JSON.parse(row.skills) as Record<string, number>,
    capacity: row.capacity,
    disabled: row.disabled === 1,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  email?: string | null;
  skills?: Record<string, number>;
  capacity?: number;
}

export type CreateUserResult = { ok: true; user: UserRow } | { ok: false; code: 'user.exists'; message: string };

export async function createUser(db: Kysely<Database>, input: NewUser, now: number): Promise<CreateUserResult> {
  const exists = { ok: false, code: 'user.exists', message: `a user named '${input.username}' already exists` } as const;
  const row: UserRow = {
    id: randomUUID(),
    username: input.username,
    display_name: input.displayName,
    password_hash: input.passwordHash,
    role: input.role,
    email: input.email?.toLowerCase() ?? null,
    skills: JSON.stringify(input.skills ?? {}),
    capacity: input.capacity ?? 1,
    created_at: now,
    updated_at: now,
    disabled: 0,
  };
  const insert = async (trx: Kysely<Database>): Promise<CreateUserResult> => {
    // Another process may create the same user at the same moment (first start of several roles).
    const inserted = await trx.insertInto('users').values(row).onConflict((oc) => oc.column('username').doNothing()).returning('id').executeTakeFirst();
    if (!inserted) return exists;
    await trx.insertInto('agent_states').values({ user_id: row.id, state: 'logged_out', pause_reason: null, state_since: now, idle_since: now, updated_at: now }).execute();
    return { ok: true, user: row };
  };
  return db.isTransaction ? insert(db) : db.transaction().execute(insert);
}

export const findUserByName = (db: Kysely<Database>, username: string) =>
  db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();

export const findUser = (db: Kysely<Database>, id: string) =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const listUsers = (db: Kysely<Database>) => db.selectFrom('users').selectAll().orderBy('username').execute();

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

// Sessions: only a hash of the token is stored.
export async function createSession(db: Kysely<Database>, userId: string, tokenHash: string, now: number, ttlMs: number): Promise<void> {
  await db.insertInto('sessions').values({ token_hash: tokenHash, user_id: userId, created_at: now, expires_at: now + ttlMs }).execute();
}

export async function sessionUser(db: Kysely<Database>, tokenHash: string, now: number): Promise<UserRow | undefined> {
  return db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users').where('sessions.token_hash', '=', tokenHash).where('sessions.expires_at', '>', now).where('users.disabled', '=', 0).executeTakeFirst();
}

/** The session's user (enabled) and when the session expires; undefined for an unknown or expired session or a disabled user. */
export async function sessionWithUser(db: Kysely<Database>, tokenHash: string, now: number): Promise<{ user: UserRow; expiresAt: number } | undefined> {
  const row = await db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users').select('sessions.expires_at as session_expires_at')
    .where('sessions.token_hash', '=', tokenHash).where('sessions.expires_at', '>', now).where('users.disabled', '=', 0).executeTakeFirst();
  if (!row) return undefined;
  const { session_expires_at: expiresAt, ...user } = row;
  return { user, expiresAt: Number(expiresAt) };
}

export async function deleteSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends the user's sessions, except the one with `keepTokenHash`. Returns how many ended. */
export async function endSessions(db: Kysely<Database>, userId: string, keepTokenHash: string | null = null): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepTokenHash) q = q.where('token_hash', '!=', keepTokenHash);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes sessions that have expired (they no longer sign anyone in, but held token hashes). Returns how many. */
export async function purgeExpiredSessions(db: Kysely<Database>, now: number): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// Sign-in attempts, for the login throttle (core/login-throttle.ts). A row is a failed attempt or one in flight.
export interface AttemptKey { username: string; address: string }

/**
 * Checks the throttle and records the attempt in one transaction (serialised: BEGIN IMMEDIATE on
 * SQLite, an advisory lock on PostgreSQL), so parallel guesses cannot all pass one check.
 * Returns the attempt's id when allowed; the caller deletes it after a right password.
 */
export async function reserveSignIn<D extends { allowed: boolean }>(
  storage: Storage, key: AttemptKey, now: number, windowMs: number,
  decide: (pairAttempts: number[], addressAttempts: number[]) => D,
): Promise<D & { attemptId: number | null }> {
  return storage.transaction(async (trx) => {
    const rows = await trx.selectFrom('login_failures').select(['username', 'at']).where('address', '=', key.address).where('at', '>', now - windowMs).execute();
    const pair = await trx.selectFrom('login_failures').select('at').where('username', '=', key.username).where('address', '=', key.address).where('at', '>', now - windowMs).execute();
    const decision = decide(pair.map((r) => Number(r.at)), rows.map((r) => Number(r.at)));
    if (!decision.allowed) return { ...decision, attemptId: null };
    await trx.deleteFrom('login_failures').where('at', '<', now - windowMs).execute();
    const row = await trx.insertInto('login_failures').values({ username: key.username, address: key.address, at: now }).returning('id').executeTakeFirstOrThrow();
    return { ...decision, attemptId: Number(row.id) };
  }, LOCKS.signIn);
}

/** A right password: the attempt and the earlier failures of this (username, address) pair are forgotten. */
export async function clearSignInAttempts(db: Kysely<Database>, key: AttemptKey): Promise<void> {
  await db.deleteFrom('login_failures').where('username', '=', key.username).where('address', '=', key.address).execute();
}

/** An attempt that was never checked (refused for concurrency) does not count. */
export async function releaseSignInAttempt(db: Kysely<Database>, attemptId: number): Promise<void> {
  await db.deleteFrom('login_failures').where('id', '=', attemptId).execute();
}

// Administration (issue 9): update, disable, delete, passwords, sessions.
export interface UserChanges {
  displayName?: string;
  role?: Role;
  email?: string | null;
  skills?: Record<string, number>;
  capacity?: number;
  disabled?: boolean;
}

export async function updateUser(db: Kysely<Database>, id: string, c: UserChanges, now: number): Promise<UserRow | undefined> {
  await db.updateTable('users').set({
    ...(c.displayName !== undefined ? { display_name: c.displayName } : {}),
    ...(c.role !== undefined ? { role: c.role } : {}),
    ...(c.email !== undefined ? { email: c.email?.toLowerCase() ?? null } : {}),
    ...(c.skills !== undefined ? { skills: JSON.stringify(c.skills) } : {}),
    ...(c.capacity !== undefined ? { capacity: c.capacity } : {}),
    ...(c.disabled !== undefined ? { disabled: c.disabled ? 1 : 0 } : {}),
    updated_at: now,
  }).where('id', '=', id).execute();
  return findUser(db, id);
}

export async function setPasswordHash(db: Kysely<Database>, id: string, passwordHash: string, now: number): Promise<boolean> {
  const r = await db.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}


export async function countAdmins(db: Kysely<Database>, exceptId: string): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin').where('disabled', '=', 0).where('id', '!=', exceptId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** What still refers to the user (contacts handled, offers made): such a user is disabled, not deleted. */
export async function userUses(db: Kysely<Database>, id: string): Promise<string[]> {
  const [contacts, offers, personal] = await Promise.all([
    db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).where('agent_id', '=', id).executeTakeFirstOrThrow(),
    db.selectFrom('offers').select((eb) => eb.fn.countAll<number>().as('n')).where('agent_id', '=', id).executeTakeFirstOrThrow(),
    db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).where('personal_agent_id', '=', id).where('status', '!=', 'closed').executeTakeFirstOrThrow(),
  ]);
  const uses: string[] = [];
  if (Number(contacts.n)) uses.push(`${Number(contacts.n)} contact(s) handled`);
  if (Number(offers.n)) uses.push(`${Number(offers.n)} offer(s)`);
  if (Number(personal.n)) uses.push(`${Number(personal.n)} contact(s) waiting in the personal queue`);
  return uses;
}

export async function deleteUser(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await trx.deleteFrom('agent_settings').where('user_id', '=', id).execute();
    await trx.deleteFrom('image_senders').where('user_id', '=', id).execute();
    await trx.deleteFrom('agent_states').where('user_id', '=', id).execute();
    await trx.deleteFrom('users').where('id', '=', id).execute();
  });
}
