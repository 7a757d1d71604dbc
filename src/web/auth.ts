import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../app/deps.js';
import { hashPassword, newToken, sha256, verifyPassword } from '../adapters/crypto/secrets.js';
import { clearLoginFailures, createSession, deleteSession, findUserByName, recentLoginFailures, recordLoginFailure, sessionUser, toUserView, type Role } from '../storage/repositories/users.js';
import { LOGIN_THROTTLE, loginThrottle } from '../core/login-throttle.js';
import type { UserRow } from '../storage/schema.js';
import { ApiError, errorBodySchema } from './errors.js';
import { userViewSchema } from './schemas.js';

/**
 * Sessions: a random token, only its SHA-256 stored. Browsers carry it in an HttpOnly,
 * SameSite=Strict cookie; scripts send Authorization: Bearer <token>; the event
 * WebSocket may also pass ?token= (browsers cannot set headers on a WebSocket).
 */
export const SESSION_COOKIE = 'switchyard_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null on public routes without a session. */
    user: UserRow | null;
    /** The session token this request authenticated with. */
    sessionToken: string | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a session. */
    public?: boolean;
    /** Accept the session token in ?token= (the event WebSocket). */
    queryToken?: boolean;
  }
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

export function requestToken(request: FastifyRequest): string | null {
  const fromHeader = bearer(request);
  if (fromHeader) return fromHeader;
  const fromCookie = request.cookies?.[SESSION_COOKIE];
  if (fromCookie) return fromCookie;
  if (request.routeOptions.config?.queryToken) {
    const q = request.query as Record<string, unknown> | undefined;
    if (q && typeof q.token === 'string' && q.token) return q.token;
  }
  return null;
}

/** Resolves the session on every request; refuses non-public routes without one. */
export function installAuthentication(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (request) => {
    const token = requestToken(request);
    if (token) {
      const user = await sessionUser(deps.storage.db, sha256(token), deps.clock());
      if (user) {
        request.user = user;
        request.sessionToken = token;
      }
    }
    if (request.user || request.is404 || request.routeOptions.config?.public) return;
    throw new ApiError(401, 'auth.required', token
      ? 'Your session has expired or was ended; sign in again (POST /api/v1/session).'
      : 'Sign in first: POST /api/v1/session, then send the token as "Authorization: Bearer <token>" or the session cookie.');
  });
}

/** preHandler: the signed-in user must hold one of these roles. */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const user = request.user;
    if (!user) throw new ApiError(401, 'auth.required', 'Sign in first: POST /api/v1/session.');
    if (!roles.includes(user.role)) {
      throw new ApiError(403, 'auth.forbidden', `This needs the role ${roles.join(' or ')}; you are signed in as ${user.role}.`);
    }
  };
}

/** The signed-in user inside a handler behind the authentication hook. */
export function currentUser(request: FastifyRequest): UserRow {
  if (!request.user) throw new ApiError(401, 'auth.required', 'Sign in first: POST /api/v1/session.');
  return request.user;
}

export const isSupervisor = (user: UserRow): boolean => user.role === 'admin' || user.role === 'supervisor';

const loginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
}).strict();

const sessionView = z.object({ token: z.string(), expiresAt: z.string(), user: userViewSchema });

const BAD_LOGIN = 'Unknown username or wrong password.';

export function sessionRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    let dummyHash: Promise<string> | null = null;
    const dummy = () => (dummyHash ??= hashPassword(newToken()));

    const setCookie = (reply: FastifyReply, token: string, maxAgeSeconds: number) =>
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true, sameSite: 'strict', secure: deps.config.http.cookieSecure, path: '/', maxAge: maxAgeSeconds,
      });

    app.post('/api/v1/session', {
      config: { public: true },
      schema: {
        summary: 'Sign in', tags: ['session'], security: [],
        description: 'Returns a session token and sets the HttpOnly session cookie.',
        body: loginBody,
        response: { 201: sessionView, '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const { username, password } = request.body;
      const db = deps.storage.db;
      const started = deps.clock();
      // Guessing is throttled per username (known or not, so the answer reveals nothing).
      const throttle = loginThrottle(await recentLoginFailures(db, username, started - LOGIN_THROTTLE.windowMs), started);
      if (!throttle.allowed) {
        const seconds = Math.ceil(throttle.retryAfterMs / 1000);
        reply.header('retry-after', String(seconds));
        throw new ApiError(429, 'auth.throttled', `too many failed sign-ins for this username; try again in ${seconds} s`);
      }
      const user = await findUserByName(db, username);
      // Unknown user: still verify (against a dummy hash) so both failures take as long.
      const ok = await verifyPassword(user ? user.password_hash : await dummy(), password);
      if (!user || !ok) {
        await recordLoginFailure(db, username, deps.clock(), LOGIN_THROTTLE.windowMs);
        throw new ApiError(401, 'auth.invalid_credentials', BAD_LOGIN);
      }
      await clearLoginFailures(db, username);
      if (user.disabled === 1) throw new ApiError(403, 'auth.user_disabled', 'This user is disabled; ask an administrator to enable it.');
      const token = newToken();
      const now = deps.clock();
      const ttlMs = deps.config.sessionHours * 3600_000;
      await createSession(deps.storage.db, user.id, sha256(token), now, ttlMs);
      setCookie(reply, token, deps.config.sessionHours * 3600);
      return reply.code(201).send({ token, expiresAt: new Date(now + ttlMs).toISOString(), user: toUserView(user) });
    });

    app.get('/api/v1/session', {
      schema: { summary: 'The signed-in user', tags: ['session'], response: { 200: z.object({ user: userViewSchema }), '4xx': errorBodySchema } },
    }, async (request) => ({ user: toUserView(currentUser(request)) }));

    app.delete('/api/v1/session', {
      schema: { summary: 'Sign out (ends this session)', tags: ['session'], response: { 204: z.undefined(), '4xx': errorBodySchema } },
    }, async (request, reply) => {
      if (request.sessionToken) await deleteSession(deps.storage.db, sha256(request.sessionToken));
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.config.http.cookieSecure });
      return reply.code(204).send();
    });
  };
}
