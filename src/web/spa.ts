import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bundleMissingPage } from './landing.js';

/**
 * The agent desktop (the single-page app in web/, built by Vite into dist/web), served by
 * Switchyard itself on the API's port. Encapsulated: its CSP and caching apply only here.
 * - hashed files under /assets/ are cached for a year (immutable); everything else is revalidated;
 * - any other GET outside /api (a deep link such as /desk/contacts/42) gets index.html (history fallback);
 * - /api keeps its JSON 404 for unknown paths;
 * - without a built bundle, / says how to build it.
 */
export interface SpaOptions {
  /** The Vite output folder; by default dist/web of the project this file belongs to. */
  root?: string;
}

/**
 * The app's policy. style-src needs 'unsafe-inline': Mantine writes its theme variables into a
 * <style> element and uses style attributes. img-src allows remote http(s) images because a
 * srcdoc frame inherits this policy: the message frame's own meta CSP keeps them blocked until
 * the agent chooses "show images".
 */
export const APP_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob: https: http:",
  "font-src 'self' data:", "frame-src 'self'", "connect-src 'self'", "media-src 'self' data:", "frame-ancestors 'none'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'",
].join('; ');

const ASSET_PREFIX = '/assets/';

/** dist/web of the project: found from this file whether it runs from src/ (tests) or dist/src/. */
export function defaultWebRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

const isFile = (path: string): boolean => {
  try { return statSync(path).isFile(); } catch { return false; }
};

export function spaRoutes(opts: SpaOptions = {}): FastifyPluginAsyncZod {
  const root = resolve(opts.root ?? defaultWebRoot());
  return async (app) => {
    await app.register(fastifyStatic, { root, serve: false });

    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('Content-Security-Policy', APP_CSP);
      return payload;
    });

    const sendIndex = (reply: FastifyReply) => {
      if (!isFile(join(root, 'index.html'))) {
        return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(bundleMissingPage());
      }
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html', { cacheControl: false });
    };

    const page = { summary: 'The agent desktop (HTML)', tags: ['web'], security: [] };
    app.get('/', { config: { public: true }, schema: page }, async (_request, reply) => sendIndex(reply));

    app.get('/*', {
      config: { public: true },
      schema: {
        ...page, summary: 'The agent desktop: static files and deep links (history fallback)',
        description: 'Files of the built web app; any other path outside /api answers with the app page.',
        params: z.object({ '*': z.string() }),
      },
    }, async (request, reply) => {
      const path = request.params['*'];
      const url = `/${path}`;
      if (url === '/api' || url.startsWith('/api/')) return reply.callNotFound();
      const file = resolve(root, path);
      if (file.startsWith(root + sep) && isFile(file)) {
        const hashed = url.startsWith(ASSET_PREFIX);
        reply.header('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        return reply.sendFile(path, { cacheControl: false });
      }
      if (url.startsWith(ASSET_PREFIX) || /\.[a-z0-9]{1,8}$/i.test(url)) return reply.callNotFound();
      return sendIndex(reply);
    });
  };
}
