import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Deps } from '../app/deps.js';
import { installAuthentication, installRoleConfig, routeRoles, sessionRoutes, SESSION_COOKIE } from './auth.js';
import type { Role } from '../storage/repositories/users.js';
import { frameworkError, installErrorHandling } from './errors.js';
import { installOriginCheck } from './csrf.js';
import { installAudit } from './audit.js';
import { effectTimesToIso } from './schemas.js';
import { agentRoutes } from './routes/agents.js';
import { analysisRoutes } from './routes/analysis.js';
import { analysisAnswerRoutes } from './routes/analysis-answers.js';
import { answerRoutes } from './routes/answers.js';
import { answerUploadRoutes } from './routes/answer-uploads.js';
import { conversationRoutes } from './routes/conversation.js';
import { contactRoutes } from './routes/contacts.js';
import { deskRoutes } from './routes/desk.js';
import { preferenceRoutes } from './routes/preferences.js';
import { templatePreviewRoutes } from './routes/template-preview.js';
import { eventRoutes, type EventsOptions } from './routes/events.js';
import { mailConfigRoutes } from './routes/mail-config.js';
import { mailAdminRoutes } from './routes/mail-admin.js';
import { auditRoutes } from './routes/audit.js';
import { tryMailRoutes } from './routes/try-mail.js';
import { monitorRoutes } from './routes/monitor.js';
import { statisticsRoutes } from './routes/statistics.js';
import { createMonitor } from './monitor/compute.js';
import { createMonitorFeed, type MonitorFeed } from './monitor/feed.js';
import { offerRoutes } from './routes/offers.js';
import { operationsRoutes } from './routes/operations.js';
import { systemRoutes } from './routes/system.js';
import { userRoutes } from './routes/users.js';
import { routingConfigRoutes } from './routes/routing-config.js';
import { supervisorRoutes } from './routes/supervisor.js';
import { spaRoutes, type SpaOptions } from './spa.js';

/** The HTTP API: JSON over /api/v1, live events over a WebSocket, OpenAPI docs at /api/docs. */
export const DOCS_PREFIX = '/api/docs';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** The roles allowed (checked before validation); undefined = any signed-in user (or public). */
  roles?: readonly Role[];
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this app (for the OpenAPI completeness test). */
    switchyardRoutes: RegisteredRoute[];
    /** The supervisor monitor's figures (shared, cached briefly). */
    monitor: ReturnType<typeof createMonitor>;
    /** Coalesced monitor.changed messages for supervisors' sockets. */
    monitorFeed: MonitorFeed;
  }
}

export interface WebAppOptions {
  events?: EventsOptions;
  /** Least time between two monitor.changed messages (ms); default 1000. */
  monitorIntervalMs?: number;
  /** The agent desktop's files (tests point this at a fixture). */
  web?: SpaOptions;
}

export async function buildApp(deps: Deps, opts: WebAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ role: 'web' }) as FastifyBaseLogger,
    // Requests are logged below without their query string (the event socket may carry ?token=).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.http.maxBodyBytes,
    exposeHeadRoutes: false,
    frameworkErrors: frameworkError,
    // request.ip is the socket address unless the operator names the proxies in front.
    ...(deps.config.http.trustProxy ? { trustProxy: deps.config.http.trustProxy } : {}),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  const routes: RegisteredRoute[] = [];
  app.decorate('switchyardRoutes', routes);
  installRoleConfig(app);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(DOCS_PREFIX)) route.config = { ...(route.config ?? {}), public: true };
    const roles = routeRoles(route);
    const isPublic = route.config?.public === true;
    for (const method of [route.method].flat()) routes.push({ method: String(method).toUpperCase(), url: route.url, roles, public: isPublic });
  });

  // JSON only: an empty body is "no body" (so bodiless POSTs work with any client); text/plain is refused (415).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') { done(null, undefined); return; }
    parseJson(request, text, done);
  });

  // Queue-engine effects carry epoch milliseconds; responses show ISO 8601 times everywhere.
  app.addHook('preSerialization', async (_request, _reply, payload: unknown) => {
    if (payload && typeof payload === 'object' && Array.isArray((payload as { effects?: unknown }).effects)) {
      return { ...(payload as object), effects: effectTimesToIso((payload as { effects: unknown[] }).effects) };
    }
    return payload;
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Switchyard API',
        description: 'Email routing for contact centres: mail accounts, queues, agents, offers and contacts.',
        version: '1',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/v1/session' },
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /api/v1/session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  installAuthentication(app, deps);
  installOriginCheck(app, deps);
  installAudit(app, deps);
  const monitor = createMonitor(deps);
  app.decorate('monitor', monitor);
  app.decorate('monitorFeed', createMonitorFeed(deps, { onChange: monitor.invalidate, ...(opts.monitorIntervalMs ? { minIntervalMs: opts.monitorIntervalMs } : {}) }));
  app.addHook('onClose', async () => app.monitorFeed.close());

  await app.register(systemRoutes(deps));
  await app.register(sessionRoutes(deps));
  await app.register(userRoutes(deps));
  await app.register(mailConfigRoutes(deps));
  await app.register(mailAdminRoutes(deps));
  await app.register(auditRoutes(deps));
  await app.register(tryMailRoutes(deps));
  await app.register(monitorRoutes(deps));
  await app.register(statisticsRoutes(deps));
  await app.register(agentRoutes(deps));
  await app.register(contactRoutes(deps));
  await app.register(offerRoutes(deps));
  await app.register(deskRoutes(deps));
  await app.register(preferenceRoutes(deps));
  await app.register(templatePreviewRoutes(deps));
  await app.register(operationsRoutes(deps));
  await app.register(routingConfigRoutes(deps));
  await app.register(supervisorRoutes(deps));
  await app.register(eventRoutes(deps, opts.events));
  await app.register(analysisRoutes(deps));
  await app.register(analysisAnswerRoutes(deps));
  await app.register(answerRoutes(deps));
  await app.register(answerUploadRoutes(deps));
  await app.register(conversationRoutes(deps));
  await app.register(spaRoutes(opts.web));
  await app.ready();
  return app;
}
