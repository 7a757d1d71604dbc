import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { hashPassword, sha256, verifyPassword } from '../../adapters/crypto/secrets.js';
import { submitAcdEvent } from '../../roles/acd/engine.js';
import {
  countAdmins, createUser, deleteUser, endSessions, findUser, listUsers, setPasswordHash, toUserView, updateUser, userUses,
} from '../../storage/repositories/users.js';
import { announceConfigChange, announceSessionsEnded, announceUserChange } from '../../storage/config-cache.js';
import { currentUser, requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { idParams, roleSchema, userViewSchema } from '../schemas.js';

const password = z.string().min(8, 'must be at least 8 characters').max(1024);
const skills = z.record(z.string().min(1).max(100), z.number().int().min(1).max(9));

const newUserBody = z.object({
  username: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._@-]+$/, 'use letters, digits and . _ @ - only'),
  displayName: z.string().trim().min(1).max(200),
  password,
  role: roleSchema,
  email: z.email().max(320).optional(),
  skills: skills.optional(),
  capacity: z.number().int().min(1).max(25).optional(),
}).strict();

const userPatchBody = z.object({
  displayName: z.string().trim().min(1).max(200).optional(),
  role: roleSchema.optional(),
  email: z.email().max(320).nullable().optional().describe('null = built-in desktop mode (no copy mailed)'),
  skills: skills.optional(),
  capacity: z.number().int().min(1).max(25).optional(),
  disabled: z.boolean().optional().describe('true ends the user\'s sessions and logs them out of the queue engine'),
}).strict();

export function userRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const adminOnly = requireRole('admin');
    const db = deps.storage.db;
    const existing = async (id: string) => {
      const user = await findUser(db, id);
      if (!user) throw notFound('user', id);
      return user;
    };
    /** Signs the user out everywhere and logs them out of the queue engine (its own command path). */
    const shutOut = async (id: string) => {
      await endSessions(db, id);
      await announceSessionsEnded(deps.bus, { userId: id });
      const outcome = await submitAcdEvent(deps, { type: 'agent.setState', agentId: id, state: 'logged_out', reason: 'user disabled', force: true });
      if (!outcome.ok) deps.logger.warn({ userId: id, code: outcome.code }, 'could not log the disabled user out of the queue engine');
    };
    const lastAdminGuard = async (id: string, what: string) => {
      if ((await countAdmins(db, id)) === 0) throw new ApiError(409, 'user.last_admin', `${what} would leave no enabled administrator`);
    };

    app.post('/api/v1/users', {
      preHandler: adminOnly,
      schema: {
        summary: 'Create a user', tags: ['users'],
        description: 'Email set = external-client mode (contacts are mailed to that address); skills are levels 1-9.',
        body: newUserBody, response: { 201: userViewSchema, '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const b = request.body;
      const result = await createUser(db, {
        username: b.username, displayName: b.displayName, passwordHash: await hashPassword(b.password), role: b.role,
        email: b.email ?? null, skills: b.skills, capacity: b.capacity,
      }, deps.clock());
      if (!result.ok) throw new ApiError(409, result.code, result.message, [{ path: 'body.username', message: 'already taken' }]);
      return reply.code(201).send(toUserView(result.user));
    });

    app.get('/api/v1/users', {
      preHandler: adminOnly,
      schema: { summary: 'List users', tags: ['users'], response: { 200: z.object({ users: z.array(userViewSchema) }), '4xx': errorBodySchema } },
    }, async () => ({ users: (await listUsers(db)).map(toUserView) }));

    app.get('/api/v1/users/:id', {
      preHandler: adminOnly,
      schema: { summary: 'One user', tags: ['users'], params: idParams, response: { 200: userViewSchema, '4xx': errorBodySchema } },
    }, async (request) => toUserView(await existing(request.params.id)));

    app.patch('/api/v1/users/:id', {
      preHandler: adminOnly,
      schema: {
        summary: 'Change a user (name, role, email, skills, capacity, disabled)', tags: ['users'], params: idParams, body: userPatchBody,
        description: 'Only the fields sent change. Disabling ends the user\'s sessions and logs them out of the queue engine; '
          + 'the last enabled administrator cannot be disabled or demoted (409 user.last_admin).',
        response: { 200: userViewSchema, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const before = await existing(request.params.id);
      const b = request.body;
      if (before.role === 'admin' && ((b.role && b.role !== 'admin') || b.disabled === true)) await lastAdminGuard(before.id, 'this change');
      const after = (await updateUser(db, before.id, b, deps.clock()))!;
      // Every process drops what it cached of this user (its sessions' user row, its redirect address).
      await announceUserChange(deps.bus, before.id);
      if (b.disabled === true && before.disabled === 0) await shutOut(before.id);
      else if (b.skills !== undefined || b.capacity !== undefined) {
        await announceConfigChange(deps.bus, 'routing'); // skills and capacity are routing configuration
        await submitAcdEvent(deps, { type: 'tick' }); // new skills may fit waiting contacts
      }
      return toUserView(after);
    });

    app.delete('/api/v1/users/:id', {
      preHandler: adminOnly,
      schema: {
        summary: 'Delete a user', tags: ['users'], params: idParams,
        description: 'Refused with 409 user.in_use while contacts or offers refer to the user (disable the user instead), and for your own user or the last administrator.',
        response: { 204: z.undefined(), '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const user = await existing(request.params.id);
      if (user.id === currentUser(request).id) throw new ApiError(409, 'user.is_self', 'you cannot delete the user you are signed in as');
      if (user.role === 'admin') await lastAdminGuard(user.id, 'deleting this user');
      const uses = await userUses(db, user.id);
      if (uses.length) throw new ApiError(409, 'user.in_use', `user '${user.username}' is in use: ${uses.join(', ')}; disable the user instead`);
      await shutOut(user.id);
      await deleteUser(db, user.id);
      await announceUserChange(deps.bus, user.id);
      return reply.code(204).send();
    });

    app.post('/api/v1/users/:id/password', {
      preHandler: adminOnly,
      schema: {
        summary: "Reset a user's password (admin)", tags: ['users'], params: idParams, body: z.object({ password }).strict(),
        description: "Sets a new password and ends the user's sessions.",
        response: { 204: z.undefined(), '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const user = await existing(request.params.id);
      await setPasswordHash(db, user.id, await hashPassword(request.body.password), deps.clock());
      await endSessions(db, user.id, user.id === currentUser(request).id && request.sessionToken ? sha256(request.sessionToken) : null);
      await announceUserChange(deps.bus, user.id);
      return reply.code(204).send();
    });

    app.post('/api/v1/users/me/password', {
      schema: {
        summary: 'Change my own password', tags: ['users'],
        body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: password }).strict(),
        description: 'Needs the current password; ends my other sessions (this one stays).',
        response: { 204: z.undefined(), '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const me = currentUser(request);
      if (!(await verifyPassword(me.password_hash, request.body.currentPassword))) {
        throw new ApiError(400, 'user.wrong_password', 'the current password is not correct', [{ path: 'body.currentPassword', message: 'not correct' }]);
      }
      await setPasswordHash(db, me.id, await hashPassword(request.body.newPassword), deps.clock());
      await endSessions(db, me.id, request.sessionToken ? sha256(request.sessionToken) : null);
      await announceUserChange(deps.bus, me.id);
      return reply.code(204).send();
    });

    app.delete('/api/v1/users/:id/sessions', {
      preHandler: adminOnly,
      schema: {
        summary: "End a user's sessions (sign them out everywhere)", tags: ['users'], params: idParams,
        response: { 200: z.object({ ended: z.number().describe('Sessions ended') }), '4xx': errorBodySchema },
      },
    }, async (request) => {
      const user = await existing(request.params.id);
      const ended = await endSessions(db, user.id);
      await announceSessionsEnded(deps.bus, { userId: user.id });
      return { ended };
    });

  };
}
