import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../app/deps.js';
import { hashPassword, newToken, sha256, verifyPassword } from '../adapters/crypto/secrets.js';
import { clearSignInAttempts, createSession, deleteSession, findUserByName, releaseSignInAttempt, reserveSignIn, toUserView, type Role } from '../storage/repositories/users.js';
import { announceSessionsEnded } from '../storage/config-cache.js';
import { sessionCache } from './session-cache.js';
import { ADDRESS_THROTTLE, LOGIN_THROTTLE, MAX_CONCURRENT_SIGNINS, signInThrottle } from '../core/login-throttle.js';
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
    /** Where that token came from: a browser's cookie needs the origin check on writes (csrf.ts). */
    sessionVia: 'bearer' | 'cookie' | 'query' | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a session. */
    public?: boolean;
    /** Accept the session token in ?token= (the event WebSocket). */
    queryToken?: boolean;
    /**
     * Only these roles may call the route. Checked when the request arrives, before the
     * body is parsed or validated, so a caller without the role learns nothing about the
     * schema. Set directly, or taken from a requireRole(...) preHandler.
     */
    roles?: readonly Role[];
  }
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

export function requestToken(request: FastifyRequest): { token: string; via: 'bearer' | 'cookie' | 'query' } | null {
  const fromHeader = bearer(request);
  if (fromHeader) return { token: fromHeader, via: 'bearer' };
  const fromCookie = request.cookies?.[SESSION_COOKIE];
  if (fromCookie) return { token: fromCookie, via: 'cookie' };
  if (request.routeOptions.config?.queryToken) {
    const q = request.query as Record<string, unknown> | undefined;
    if (q && typeof q.token === 'string' && q.token) return { token: q.token, via: 'query' };
  }
  return null;
}

/**
 * Resolves the session on every request (from this process's session cache: session-cache.ts);
 * refuses non-public routes without one.
 */
export function installAuthentication(app: FastifyInstance, deps: Deps): void {
  const sessions = sessionCache(deps);
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('sessionVia', null);
  app.addHook('onRequest', async (request) => {
    const found = requestToken(request);
    const token = found?.token ?? null;
    if (found) {
      const user = await sessions.user(sha256(found.token), deps.clock());
      if (user) {
        request.user = user;
        request.sessionToken = found.token;
        request.sessionVia = found.via;
      }
    }
    if (request.user) {
      const roles = request.routeOptions.config?.roles;
      if (roles) checkRole(request.user, roles);
      return;
    }
    if (request.is404 || request.routeOptions.config?.public) return;
    throw new ApiError(401, 'auth.required', token
      ? 'Your session has expired or was ended; sign in again (POST /api/v1/session).'
      : 'Sign in first: POST /api/v1/session, then send the token as "Authorization: Bearer <token>" or the session cookie.');
  });
}

function checkRole(user: UserRow, roles: readonly Role[]): void {
  if (!roles.includes(user.role)) {
    throw new ApiError(403, 'auth.forbidden', `This needs the role ${roles.join(' or ')}; you are signed in as ${user.role}.`);
  }
}

const ROLES_OF = Symbol('switchyard.roles');
type RoleGate = ((request: FastifyRequest) => Promise<void>) & { [ROLES_OF]: readonly Role[] };

/**
 * The signed-in user must hold one of these roles. Used as a route's preHandler, it is
 * lifted into the route's config (see installRoleConfig), so the check runs on arrival,
 * before validation; the preHandler itself stays as a second line.
 */
export function requireRole(...roles: Role[]): RoleGate {
  const gate = async (request: FastifyRequest): Promise<void> => {
    if (!request.user) throw new ApiError(401, 'auth.required', 'Sign in first: POST /api/v1/session.');
    checkRole(request.user, roles);
  };
  return Object.assign(gate, { [ROLES_OF]: roles });
}

/** The roles a route is limited to: its config.roles, else every requireRole preHandler together; undefined = any signed-in user. */
export function routeRoles(route: { config?: unknown; preHandler?: unknown }): readonly Role[] | undefined {
  const configured = (route.config as { roles?: readonly Role[] } | undefined)?.roles;
  if (configured) return configured;
  const gates = [route.preHandler].flat().filter((h): h is RoleGate => typeof h === 'function' && ROLES_OF in h);
  if (gates.length === 0) return undefined;
  return gates.map((g) => g[ROLES_OF]).reduce((a, b) => a.filter((r) => b.includes(r)));
}

/** For every route registered after this: role limits go into route config, checked by the authentication hook. */
export function installRoleConfig(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const roles = routeRoles(route);
    if (roles) route.config = { ...(route.config ?? {}), roles };
  });
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
    /** Sign-ins being checked now, per username (this process). */
    const signingIn = new Map<string, number>();
    const dummy = () => (dummyHash ??= hashPassword(newToken()));

    // Secure whenever the browser reached us over HTTPS (directly, or through a trusted proxy's X-Forwarded-Proto).
    const secure = (request: FastifyRequest) => deps.config.http.cookieSecure || request.protocol === 'https';
    const setCookie = (request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number) =>
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true, sameSite: 'strict', secure: secure(request), path: '/', maxAge: maxAgeSeconds,
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
      reply.header('cache-control', 'no-store'); // the token must not stay in any cache
      const { username, password } = request.body;
      const db = deps.storage.db;
      const key = { username, address: request.ip ?? '' };
      const refuse = (retryAfterMs: number, why: string): never => {
        const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
        reply.header('retry-after', String(seconds));
        throw new ApiError(429, 'auth.throttled', `${why}; try again in ${seconds} s`);
      };
      // Check and count in one transaction, before the password is looked at: parallel guesses
      // cannot all pass. Per (username, address) and per address, known usernames or not.
      const windowMs = Math.max(LOGIN_THROTTLE.windowMs, ADDRESS_THROTTLE.windowMs);
      const attempt = await reserveSignIn(deps.storage, key, deps.clock(), windowMs, (pair, address) => signInThrottle(pair, address, deps.clock()));
      if (!attempt.allowed) {
        refuse(attempt.retryAfterMs, attempt.limit === 'address' ? 'too many failed sign-ins from this address' : 'too many failed sign-ins for this username from this address');
      }
      const attemptId = attempt.attemptId!;
      // Few password checks per username at once: argon2 is costly, and the limit above is per attempt.
      const inFlight = signingIn.get(username) ?? 0;
      if (inFlight >= MAX_CONCURRENT_SIGNINS) {
        await releaseSignInAttempt(db, attemptId);
        refuse(1000, 'another sign-in for this username is being checked');
      }
      signingIn.set(username, inFlight + 1);
      let user: UserRow | undefined;
      let ok = false;
      try {
        user = await findUserByName(db, username);
        // Unknown user: still verify (against a dummy hash) so both failures take as long.
        ok = await verifyPassword(user ? user.password_hash : await dummy(), password);
      } finally {
        const n = (signingIn.get(username) ?? 1) - 1;
        if (n <= 0) signingIn.delete(username); else signingIn.set(username, n);
      }
      // A wrong password: the attempt row stays as the failure.
      if (!user || !ok) throw new ApiError(401, 'auth.invalid_credentials', BAD_LOGIN);
      await clearSignInAttempts(db, key);
      if (user.disabled === 1) throw new ApiError(403, 'auth.user_disabled', 'This user is disabled; ask an administrator to enable it.');
      const token = newToken();
      const now = deps.clock();
      const ttlMs = deps.config.sessionHours * 3600_000;
      await createSession(deps.storage.db, user.id, sha256(token), now, ttlMs);
      setCookie(request, reply, token, deps.config.sessionHours * 3600);
      return reply.code(201).send({ token, expiresAt: new Date(now + ttlMs).toISOString(), user: toUserView(user) });
    });

    app.get('/api/v1/session', {
      schema: { summary: 'The signed-in user', tags: ['session'], response: { 200: z.object({ user: userViewSchema }), '4xx': errorBodySchema } },
    }, async (request) => ({ user: toUserView(currentUser(request)) }));

    app.delete('/api/v1/session', {
      schema: { summary: 'Sign out (ends this session)', tags: ['session'], response: { 204: z.undefined(), '4xx': errorBodySchema } },
    }, async (request, reply) => {
      if (request.sessionToken) {
        const hash = sha256(request.sessionToken);
        await deleteSession(deps.storage.db, hash);
        await announceSessionsEnded(deps.bus, { tokenHashes: [hash] });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: secure(request) });
      return reply.code(204).send();
    });
  };
}
