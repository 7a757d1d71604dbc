import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { probeImap } from '../../adapters/imap/probe.js';
import { probeSmtp } from '../../adapters/smtp-out/probe.js';
import {
  accountUses, deleteAccount, entranceForAccount, findAccount, findSmtpServer, smtpServerUsers, toAccountView, toSmtpServerView,
  updateAccount, updateSmtpServer,
} from '../../storage/repositories/accounts.js';
import type { AccountRow } from '../../storage/schema.js';
import { wakeOutboxFor } from '../../storage/repositories/outbox.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { accountViewSchema, idParams, securitySchema, smtpServerViewSchema } from '../schemas.js';
import { allowSelfSigned, hostname, port, smtpAuthBody } from './mail-config.js';

/**
 * Changing, disabling and deleting SMTP servers and mail accounts, and their connection tests.
 * A disabled account's watcher stops at once (the account server is told over the bus); deleting
 * something in use is refused with 409 naming what uses it. Connection tests answer 200 either way:
 * { ok: false, stage, serverResponse } quotes the server's own words.
 */
const smtpPatchBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  host: hostname.optional(),
  port: port.optional(),
  security: securitySchema.optional(),
  auth: z.union([
    smtpAuthBody,
    z.object({ user: z.string().min(1).max(320), method: z.enum(['PLAIN', 'LOGIN', 'CRAM-MD5']) }).strict().describe('Keeps the stored password'),
    z.null().describe('No authentication'),
  ]).optional(),
  allowSelfSigned: allowSelfSigned.optional(),
  enabled: z.boolean().optional().describe('false switches it off: mail through it waits in the outbox, with that reason, instead of failing; true sends what waited'),
}).strict();

const accountPatchBody = z.object({
  host: hostname.optional(),
  port: port.optional(),
  security: securitySchema.optional(),
  username: z.string().min(1).max(320).optional(),
  password: z.string().min(1).max(1024).optional().describe('Omitted = keep the stored password'),
  mailbox: z.string().min(1).max(200).optional(),
  afterImport: z.enum(['seen', 'move', 'delete']).optional(),
  moveTo: z.string().min(1).max(200).nullable().optional(),
  pollIntervalSeconds: z.number().int().min(5).max(3600).optional(),
  smtpServerId: z.string().min(1).max(200).nullable().optional(),
  returnAddress: z.email().max(320).nullable().optional(),
  alternativeAddresses: z.array(z.email().max(320)).max(100).optional(),
  enabled: z.boolean().optional().describe('false stops the account\'s watcher at once'),
  allowSelfSigned: allowSelfSigned.optional(),
}).strict();

const imapTestBody = z.object({
  host: hostname, port, security: securitySchema, username: z.string().min(1).max(320), password: z.string().min(1).max(1024),
  mailbox: z.string().min(1).max(200).default('INBOX'), allowSelfSigned: allowSelfSigned.default(false),
}).strict();

const smtpTestBody = z.object({
  host: hostname, port, security: securitySchema, auth: smtpAuthBody.optional(), allowSelfSigned: allowSelfSigned.default(false),
}).strict();

const folderSchema = z.object({
  path: z.string(), name: z.string(), delimiter: z.string().nullable(),
  specialUse: z.string().nullable().describe('RFC 6154 special use, e.g. \\Sent, \\Trash, \\Junk'), subscribed: z.boolean(),
});
const failure = {
  ok: z.literal(false), stage: z.string().describe('Where it failed: connect, tls, authenticate, greeting, list or mailbox'),
  serverResponse: z.string().describe("The server's own words (or the network error)"),
};
const imapTestResult = z.union([
  z.object({
    ok: z.literal(true), folders: z.array(folderSchema), mailbox: z.object({ path: z.string(), messages: z.number(), unseen: z.number().nullable() }),
    capabilities: z.array(z.string()),
  }),
  z.object({ ...failure, folders: z.array(folderSchema).optional() }),
]).describe('ImapTestResult');
const smtpTestResult = z.union([z.object({ ok: z.literal(true), serverResponse: z.string() }), z.object(failure)]).describe('SmtpTestResult');

export function mailAdminRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const adminOnly = requireRole('admin');
    const db = deps.storage.db;
    const open = (sealed: string | null) => {
      if (!sealed) return null;
      try { return deps.secrets.open(sealed); } catch { throw new ApiError(409, 'secret.unreadable', 'the stored password cannot be decrypted (was SWITCHYARD_SECRET_KEY changed?); enter it again'); }
    };
    const smtpServer = async (id: string) => {
      const row = await findSmtpServer(db, id);
      if (!row) throw notFound('smtp_server', id);
      return row;
    };
    const account = async (id: string) => {
      const row = await findAccount(db, id);
      if (!row) throw notFound('account', id);
      return row;
    };

    app.patch('/api/v1/smtp-servers/:id', {
      preHandler: adminOnly,
      schema: {
        summary: 'Change an SMTP server', tags: ['mail configuration'], params: idParams, body: smtpPatchBody,
        description: 'Only the fields sent change. auth without password keeps the stored password; auth: null removes authentication. '
          + 'enabled: false keeps mail for it waiting in the outbox (reason shown on the row and the answer) instead of failing; enabled: true sends it.',
        response: { 200: smtpServerViewSchema, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const before = await smtpServer(request.params.id);
      const b = request.body;
      const auth = b.auth === undefined ? {} : b.auth === null
        ? { auth_user: null, auth_secret: null, auth_method: null }
        : { auth_user: b.auth.user, auth_method: b.auth.method, auth_secret: 'password' in b.auth ? deps.secrets.seal(b.auth.password) : before.auth_secret };
      if (b.auth && !('password' in b.auth) && !before.auth_secret) {
        throw new ApiError(400, 'request.invalid', 'auth.password is required: no password is stored yet', [{ path: 'body.auth.password', message: 'required field is missing' }]);
      }
      const r = await updateSmtpServer(db, before.id, {
        ...(b.name !== undefined ? { name: b.name } : {}), ...(b.host !== undefined ? { host: b.host } : {}), ...(b.port !== undefined ? { port: b.port } : {}),
        ...(b.security !== undefined ? { security: b.security } : {}), ...(b.allowSelfSigned !== undefined ? { allow_self_signed: b.allowSelfSigned ? 1 : 0 } : {}), ...auth,
        ...(b.enabled !== undefined ? { disabled: b.enabled ? 0 : 1 } : {}),
      }, deps.clock());
      if (!r.ok) throw new ApiError(409, r.code, r.message, [{ path: 'body.name', message: 'already taken' }]);
      if (b.enabled === true && before.disabled === 1) {
        // What waited for it goes now, not at its next check.
        await wakeOutboxFor(db, before.id, deps.clock());
        await deps.bus.publish('outbox');
      }
      return toSmtpServerView(r.server);
    });

    app.delete('/api/v1/smtp-servers/:id', {
      preHandler: adminOnly,
      schema: {
        summary: 'Delete an SMTP server', tags: ['mail configuration'], params: idParams,
        description: 'Refused with 409 smtp_server.in_use while accounts send through it (the message names them).',
        response: { 204: z.undefined(), '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const row = await smtpServer(request.params.id);
      const users = await smtpServerUsers(db, row.id);
      if (users.length) throw new ApiError(409, 'smtp_server.in_use', `SMTP server '${row.name}' is used by account(s) ${users.join(', ')}`);
      await db.deleteFrom('smtp_servers').where('id', '=', row.id).execute();
      return reply.code(204).send();
    });

    app.post('/api/v1/smtp-servers/:id/test', {
      preHandler: adminOnly,
      schema: {
        summary: 'Test a saved SMTP server (connect, TLS, authenticate; no mail sent)', tags: ['mail configuration'], params: idParams,
        response: { 200: smtpTestResult, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const row = await smtpServer(request.params.id);
      return probeSmtp(row, open(row.auth_secret));
    });

    app.post('/api/v1/smtp-servers/test', {
      preHandler: adminOnly,
      schema: {
        summary: 'Test unsaved SMTP settings (connect, TLS, authenticate; no mail sent)', tags: ['mail configuration'], body: smtpTestBody,
        response: { 200: smtpTestResult, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const b = request.body;
      return probeSmtp({
        id: 'test', host: b.host, port: b.port, security: b.security, auth_user: b.auth?.user ?? null, auth_secret: null, auth_method: b.auth?.method ?? null,
        allow_self_signed: b.allowSelfSigned ? 1 : 0,
      }, b.auth?.password ?? null);
    });

    app.patch('/api/v1/accounts/:id', {
      preHandler: adminOnly,
      schema: {
        summary: 'Change, enable or disable a mail account', tags: ['mail configuration'], params: idParams, body: accountPatchBody,
        description: 'Only the fields sent change; the address and protocol stay. The account server restarts the watcher with the new settings, or stops it at once when disabled.',
        response: { 200: accountViewSchema, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const before = await account(request.params.id);
      const b = request.body;
      const afterImport = b.afterImport ?? before.after_import;
      const moveTo = b.moveTo === undefined ? before.move_to : b.moveTo;
      if (afterImport === 'move' && !moveTo) throw new ApiError(400, 'request.invalid', "moveTo is required when afterImport is 'move'", [{ path: 'body.moveTo', message: "required when afterImport is 'move'" }]);
      if (b.smtpServerId && !(await findSmtpServer(db, b.smtpServerId))) throw new ApiError(400, 'smtp_server.unknown', `no SMTP server with id '${b.smtpServerId}'`, [{ path: 'body.smtpServerId', message: 'does not exist' }]);
      const set: Partial<AccountRow> = {
        ...(b.host !== undefined ? { host: b.host } : {}), ...(b.port !== undefined ? { port: b.port } : {}), ...(b.security !== undefined ? { security: b.security } : {}),
        ...(b.username !== undefined ? { username: b.username } : {}), ...(b.password !== undefined ? { password_secret: deps.secrets.seal(b.password) } : {}),
        ...(b.mailbox !== undefined ? { mailbox: b.mailbox } : {}), after_import: afterImport, move_to: moveTo,
        ...(b.pollIntervalSeconds !== undefined ? { poll_interval_seconds: b.pollIntervalSeconds } : {}),
        ...(b.smtpServerId !== undefined ? { smtp_server_id: b.smtpServerId } : {}),
        ...(b.returnAddress !== undefined ? { return_address: b.returnAddress?.toLowerCase() ?? null } : {}),
        ...(b.alternativeAddresses !== undefined ? { alternative_addresses: JSON.stringify(b.alternativeAddresses.map((a) => a.toLowerCase())) } : {}),
        ...(b.enabled !== undefined ? { enabled: b.enabled ? 1 : 0 } : {}),
        ...(b.allowSelfSigned !== undefined ? { allow_self_signed: b.allowSelfSigned ? 1 : 0 } : {}),
        ...(b.enabled === true && before.enabled === 0 ? { health_state: 'starting', health_updated_at: deps.clock() } : {}),
      };
      const after = await updateAccount(db, before.id, set, deps.clock());
      await deps.bus.publish('accounts', { accountId: after.id });
      return toAccountView(after, (await entranceForAccount(db, after.id))?.id ?? null);
    });

    app.delete('/api/v1/accounts/:id', {
      preHandler: adminOnly,
      schema: {
        summary: 'Delete a mail account', tags: ['mail configuration'], params: idParams,
        description: 'Refused with 409 account.in_use once mail was stored from it (disable it instead). Its entrance stays, without an account.',
        response: { 204: z.undefined(), '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const row = await account(request.params.id);
      const uses = await accountUses(db, row.id);
      if (uses.length) throw new ApiError(409, 'account.in_use', `account '${row.address}' is in use: ${uses.join(', ')}; disable it instead`);
      await deleteAccount(db, row.id);
      await deps.bus.publish('accounts', { accountId: row.id });
      return reply.code(204).send();
    });

    app.post('/api/v1/accounts/:id/test', {
      preHandler: adminOnly,
      schema: {
        summary: 'Test a saved IMAP account (connect, authenticate, list folders, count messages)', tags: ['mail configuration'], params: idParams,
        querystring: z.object({ mailbox: z.string().min(1).max(200).optional().describe('Count this folder instead of the saved one') }).strict(),
        description: 'Nothing changes on the server. The folder list (with special use) feeds the "mailbox" and "move to" pickers.',
        response: { 200: imapTestResult, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const row = await account(request.params.id);
      if (row.protocol !== 'imap') throw new ApiError(400, 'account.not_imap', `account '${row.address}' receives over SMTP; only IMAP accounts can be tested`);
      return probeImap({
        host: row.host, port: row.port, security: row.security, username: row.username ?? '', password: open(row.password_secret) ?? '',
        mailbox: request.query.mailbox ?? row.mailbox, allowSelfSigned: row.allow_self_signed === 1,
      });
    });

    app.post('/api/v1/accounts/test', {
      preHandler: adminOnly,
      schema: {
        summary: 'Test unsaved IMAP settings (connect, authenticate, list folders, count messages)', tags: ['mail configuration'], body: imapTestBody,
        response: { 200: imapTestResult, '4xx': errorBodySchema },
      },
    }, async (request) => probeImap(request.body));
  };
}
