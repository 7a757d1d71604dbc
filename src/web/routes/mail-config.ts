import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import {
  createAccount, createSmtpServer, entranceForAccount, findAccount, findSmtpServer, listAccounts, listEntrances, listQueues,
  listSmtpServers, toAccountView, toSmtpServerView,
} from '../../storage/repositories/accounts.js';
import { queueCounts } from '../../storage/repositories/contacts.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { announceChanges } from '../config-changes.js';
import {
  accountViewSchema, entranceViewSchema, idParams, isoTime, queueViewSchema, securitySchema, smtpServerViewSchema,
} from '../schemas.js';

/** SMTP servers, mail accounts (each with its auto-created entrance), entrances and queues. */

export const hostname = z.string().trim().min(1).max(253).regex(/^[^\s/]+$/, 'a host name or IP address, no spaces or slashes');
export const port = z.number().int().min(1).max(65535);

export const smtpAuthBody = z.object({
  user: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  method: z.enum(['PLAIN', 'LOGIN', 'CRAM-MD5']),
}).strict();

export const allowSelfSigned = z.boolean().describe('Accept a self-signed TLS certificate (only for servers you control)');

export const newSmtpServerBody = z.object({
  name: z.string().trim().min(1).max(200),
  host: hostname,
  port,
  security: securitySchema,
  auth: smtpAuthBody.optional(),
  allowSelfSigned: allowSelfSigned.default(false),
  enabled: z.boolean().default(true).describe('false: mail through it waits in the outbox until it is enabled'),
}).strict();

const newAccountBody = z.object({
  address: z.email().max(320),
  protocol: z.enum(['imap', 'smtp']),
  host: hostname,
  port,
  security: securitySchema,
  username: z.string().min(1).max(320).optional(),
  password: z.string().min(1).max(1024).optional(),
  mailbox: z.string().min(1).max(200).default('INBOX'),
  afterImport: z.enum(['seen', 'move', 'delete']).default('seen'),
  moveTo: z.string().min(1).max(200).optional(),
  pollIntervalSeconds: z.number().int().min(5).max(3600).default(30),
  smtpServerId: z.string().min(1).max(200).optional(),
  returnAddress: z.email().max(320).optional(),
  alternativeAddresses: z.array(z.email().max(320)).max(100).default([]),
  enabled: z.boolean().default(true),
  allowSelfSigned: allowSelfSigned.default(false),
  queueId: z.string().min(1).max(200).optional(),
  sentFolder: z.string().min(1).max(200).optional().describe('IMAP folder for copies of agents\' answers; default: the special-use \\Sent mailbox'),
}).strict().superRefine((a, ctx) => {
  if (a.afterImport === 'move' && !a.moveTo) {
    ctx.addIssue({ code: 'custom', path: ['moveTo'], message: "required when afterImport is 'move'" });
  }
  if (a.protocol === 'imap') {
    if (!a.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'required for IMAP accounts' });
    if (!a.password) ctx.addIssue({ code: 'custom', path: ['password'], message: 'required for IMAP accounts' });
  }
});

const REFERENCE_FIELDS: Record<string, string> = { 'smtp_server.unknown': 'body.smtpServerId', 'queue.unknown': 'body.queueId' };

export function mailConfigRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    announceChanges(app, deps, 'accounts');
    const adminOnly = requireRole('admin');
    const staff = requireRole('admin', 'supervisor');
    const db = deps.storage.db;

    app.post('/api/v1/smtp-servers', {
      preHandler: adminOnly,
      schema: {
        summary: 'Add an SMTP server', tags: ['mail configuration'],
        description: 'The password is encrypted at rest and never returned (passwordSet shows whether one is stored).',
        body: newSmtpServerBody, response: { 201: smtpServerViewSchema, '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const b = request.body;
      const result = await createSmtpServer(db, {
        name: b.name, host: b.host, port: b.port, security: b.security,
        auth: b.auth ? { user: b.auth.user, method: b.auth.method, secretSealed: deps.secrets.seal(b.auth.password) } : null,
        allowSelfSigned: b.allowSelfSigned, enabled: b.enabled,
      }, deps.clock());
      if (!result.ok) throw new ApiError(409, result.code, result.message, [{ path: 'body.name', message: 'already taken' }]);
      return reply.code(201).send(toSmtpServerView(result.server));
    });

    app.get('/api/v1/smtp-servers', {
      preHandler: staff,
      schema: { summary: 'List SMTP servers', tags: ['mail configuration'], response: { 200: z.object({ smtpServers: z.array(smtpServerViewSchema) }), '4xx': errorBodySchema } },
    }, async () => ({ smtpServers: (await listSmtpServers(db)).map(toSmtpServerView) }));

    app.get('/api/v1/smtp-servers/:id', {
      preHandler: staff,
      schema: { summary: 'One SMTP server', tags: ['mail configuration'], params: idParams, response: { 200: smtpServerViewSchema, '4xx': errorBodySchema } },
    }, async (request) => {
      const row = await findSmtpServer(db, request.params.id);
      if (!row) throw notFound('smtp_server', request.params.id);
      return toSmtpServerView(row);
    });

    app.post('/api/v1/accounts', {
      preHandler: adminOnly,
      schema: {
        summary: 'Add a mail account', tags: ['mail configuration'],
        description: 'Creates the account and its entrance (named after the address); routes it to queueId or to a new queue named after the address. The password is encrypted at rest and never returned.',
        body: newAccountBody, response: { 201: accountViewSchema, '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const b = request.body;
      const result = await createAccount(db, {
        address: b.address, protocol: b.protocol, host: b.host, port: b.port, security: b.security,
        username: b.username ?? null, passwordSealed: b.password ? deps.secrets.seal(b.password) : null,
        mailbox: b.mailbox, afterImport: b.afterImport, moveTo: b.moveTo ?? null, pollIntervalSeconds: b.pollIntervalSeconds,
        smtpServerId: b.smtpServerId ?? null, returnAddress: b.returnAddress ?? null, alternativeAddresses: b.alternativeAddresses,
        enabled: b.enabled, allowSelfSigned: b.allowSelfSigned, queueId: b.queueId ?? null, sentFolder: b.sentFolder ?? null,
      }, deps.clock());
      if (!result.ok) {
        const field = REFERENCE_FIELDS[result.code];
        if (field) throw new ApiError(400, result.code, result.message, [{ path: field, message: 'does not exist' }]);
        throw new ApiError(409, result.code, result.message, [{ path: 'body.address', message: 'already in use' }]);
      }
      await deps.bus.publish('accounts', { accountId: result.account.id });
      return reply.code(201).send(toAccountView(result.account, result.entranceId));
    });

    app.get('/api/v1/accounts', {
      preHandler: staff,
      schema: { summary: 'List mail accounts with their health', tags: ['mail configuration'], response: { 200: z.object({ accounts: z.array(accountViewSchema) }), '4xx': errorBodySchema } },
    }, async () => {
      const [accounts, entrances] = await Promise.all([listAccounts(db), listEntrances(db)]);
      const entranceOf = new Map(entrances.filter((e) => e.account_id).map((e) => [e.account_id as string, e.id]));
      return { accounts: accounts.map((a) => toAccountView(a, entranceOf.get(a.id) ?? null)) };
    });

    app.get('/api/v1/accounts/:id', {
      preHandler: staff,
      schema: { summary: 'One mail account with its health', tags: ['mail configuration'], params: idParams, response: { 200: accountViewSchema, '4xx': errorBodySchema } },
    }, async (request) => {
      const account = await findAccount(db, request.params.id);
      if (!account) throw notFound('account', request.params.id);
      const entrance = await entranceForAccount(db, account.id);
      return toAccountView(account, entrance?.id ?? null);
    });

    app.get('/api/v1/entrances', {
      preHandler: staff,
      schema: { summary: 'List entrances', tags: ['routing'], response: { 200: z.object({ entrances: z.array(entranceViewSchema) }), '4xx': errorBodySchema } },
    }, async () => ({
      entrances: (await listEntrances(db)).map((e) => ({ id: e.id, name: e.name, accountId: e.account_id, queueId: e.queue_id, createdAt: isoTime(e.created_at) })),
    }));

    app.get('/api/v1/queues', {
      preHandler: staff,
      schema: { summary: 'List queues with live counts', tags: ['routing'], response: { 200: z.object({ queues: z.array(queueViewSchema) }), '4xx': errorBodySchema } },
    }, async () => {
      const [queues, counts] = await Promise.all([listQueues(db), queueCounts(db)]);
      return {
        queues: queues.map((q) => {
          const c = { queued: 0, offered: 0, assigned: 0 };
          for (const row of counts) if (row.queue === q.name && row.status in c) c[row.status as keyof typeof c] = Number(row.n);
          return { id: q.id, name: q.name, createdAt: isoTime(q.created_at), counts: c };
        }),
      };
    });
  };
}
