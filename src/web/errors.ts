import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AcdUnavailableError } from '../roles/acd/commands.js';
import { redactSecrets } from '../observability/logger.js';

/**
 * Every error leaves the API as { error: { code, message, details? } }: a stable,
 * dotted code for programs and a sentence for people. Client errors are 4xx with the
 * reason; anything unexpected is 500 'internal', logged, with no stack to the client.
 */
export interface ErrorDetail {
  /** Where the problem is, e.g. 'body.password' or 'query.limit'. */
  path: string;
  message: string;
}

export class ApiError extends Error {
  /** Sent as Retry-After (seconds) when set: the request may be repeated as it is. */
  retryAfterSeconds?: number;
  constructor(readonly statusCode: number, readonly code: string, message: string, readonly details?: ErrorDetail[]) {
    super(message);
    this.name = 'ApiError';
  }
}

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable code, e.g. request.invalid'),
    message: z.string().describe('What went wrong, for people'),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
}).describe('Error');

export const notFound = (what: string, id: string | number) => new ApiError(404, `${what}.not_found`, `no ${what.replace(/_/g, ' ')} with id '${id}'`);

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

const CONTEXT_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

/** Turns schema validation issues into one detail per problem, each naming its field. */
export function validationDetails(context: string | undefined, issues: ValidationIssue[]): ErrorDetail[] {
  const root = CONTEXT_NAMES[context ?? 'body'] ?? context ?? 'body';
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const segments = (issue.instancePath ?? '').split('/').filter(Boolean);
    const base = [root, ...segments].join('.');
    const keys = issue.params?.keys;
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const key of keys) details.push({ path: `${base}.${String(key)}`, message: 'unknown field (not allowed here)' });
      continue;
    }
    if (issue.keyword === 'invalid_type' && segments.length === 0 && root === 'body' && /received (undefined|null)$/.test(issue.message ?? '')) {
      details.push({ path: base, message: 'a JSON object body is required' });
      continue;
    }
    if (issue.keyword === 'invalid_type' && issue.message?.endsWith('received undefined')) {
      details.push({ path: base, message: 'required field is missing' });
      continue;
    }
    details.push({ path: base, message: issue.message ?? 'invalid value' });
  }
  return details;
}

function describeDetails(details: ErrorDetail[]): string {
  const shown = details.slice(0, 5).map((d) => `${d.path}: ${d.message}`).join('; ');
  return details.length > 5 ? `${shown}; and ${details.length - 5} more` : shown;
}

export function send(reply: FastifyReply, err: ApiError): FastifyReply {
  const body = { error: { code: err.code, message: err.message, ...(err.details?.length ? { details: err.details } : {}) } };
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.code(err.statusCode).type('application/json; charset=utf-8').send(body);
}

/** Maps anything thrown in the request lifecycle to an ApiError. */
export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof AcdUnavailableError) {
    // Nothing was decided: the queue engine's leader is changing or out of reach. Retry.
    const e = new ApiError(503, err.code, err.message);
    e.retryAfterSeconds = err.retryAfterSeconds;
    return e;
  }
  const e = err as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const details = validationDetails(e.validationContext, e.validation);
    return new ApiError(400, 'request.invalid', `The request is not valid: ${describeDetails(details)}`, details);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'request.too_large', 'The request body is larger than the server accepts (SWITCHYARD_MAX_BODY_BYTES).');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'request.unsupported_media_type', 'Send request bodies as JSON with Content-Type: application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(400, 'request.malformed_json', `The request body is not valid JSON: ${e.message ?? ''}`.trim());
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'request.invalid_content_length', 'The Content-Length header does not match the body.');
  }
  if (err instanceof SyntaxError || (e.statusCode === 400 && /json/i.test(e.message ?? ''))) {
    return new ApiError(400, 'request.malformed_json', `The request body is not valid JSON: ${e.message ?? ''}`.trim());
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode, 'request.rejected', e.message || 'The request was rejected.');
  }
  return null;
}

/** Errors the router raises before any route or hook (Fastify's frameworkErrors): same error body as the rest. */
export function frameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  switch (err.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return send(reply, new ApiError(414, 'request.path_too_long', 'A path parameter is longer than the server accepts.'));
    case 'FST_ERR_BAD_URL':
      return send(reply, new ApiError(400, 'request.bad_url', 'The request URL is not valid (bad percent-encoding?).'));
    default:
      return send(reply, toApiError(err) ?? new ApiError(400, 'request.rejected', 'The request was rejected.'));
  }
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(err);
    if (apiError) return send(reply, apiError);
    request.log.error({ err, method: request.method, url: redactSecrets(request.url) }, 'request failed');
    return send(reply, new ApiError(500, 'internal', 'Something went wrong on the server; the error has been logged.'));
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, new ApiError(404, 'route.not_found', `There is no ${request.method} ${request.url.split('?')[0]} in this API; see /api/docs.`)));
}
