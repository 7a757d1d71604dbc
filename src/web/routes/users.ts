import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { hashPassword } from '../../adapters/crypto/secrets.js';
import { createUser, endSessions, findUser, listUsers, toUserView } from '../../storage/repositories/users.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { idParams, roleSchema, userViewSchema } from '../schemas.js';

const newUserBody = z.object({
  username: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._@-]+$/, 'use letters, digits and . _ @ - only'),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(8, 'must be at least 8 characters').max(1024),
  role: roleSchema,
  email: z.email().max(320).optional(),
  skills: z.record(z.string().min(1).max(100), z.number().int().min(1).max(9)).optional(),
  capacity: z.number().int().min(1).max(25).optional(),
}).strict();

export function userRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const adminOnly = requireRole('admin');

    app.post('/api/v1/users', {
      preHandler: adminOnly,
      schema: {
        summary: 'Create a user', tags: ['users'],
        description: 'Email set = external-client mode (contacts are mailed to that address); skills are levels 1-9.',
        body: newUserBody, response: { 201: userViewSchema, '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const b = request.body;
      const result = await createUser(deps.storage.db, {
        username: b.username, displayName: b.displayName, passwordHash: await hashPassword(b.password), role: b.role,
        email: b.email ?? null, skills: b.skills, capacity: b.capacity,
      }, deps.clock());
      if (!result.ok) throw new ApiError(409, result.code, result.message, [{ path: 'body.username', message: 'already taken' }]);
      return reply.code(201).send(toUserView(result.user));
    });

    app.get('/api/v1/users', {
      preHandler: adminOnly,
      schema: { summary: 'List users', tags: ['users'], response: { 200: z.object({ users: z.array(userViewSchema) }), '4xx': errorBodySchema } },
    }, async () => ({ users: (await listUsers(deps.storage.db)).map(toUserView) }));

    app.get('/api/v1/users/:id', {
      preHandler: adminOnly,
      schema: { summary: 'One user', tags: ['users'], params: idParams, response: { 200: userViewSchema, '4xx': errorBodySchema } },
    }, async (request) => {
      const user = await findUser(deps.storage.db, request.params.id);
      if (!user) throw notFound('user', request.params.id);
      return toUserView(user);
    });

    app.delete('/api/v1/users/:id/sessions', {
      preHandler: adminOnly,
      schema: {
        summary: "End a user's sessions (sign them out everywhere)", tags: ['users'], params: idParams,
        response: { 200: z.object({ ended: z.number().describe('Sessions ended') }), '4xx': errorBodySchema },
      },
    }, async (request) => {
      const user = await findUser(deps.storage.db, request.params.id);
      if (!user) throw notFound('user', request.params.id);
      return { ended: await endSessions(deps.storage.db, user.id) };
    });
  };
}
