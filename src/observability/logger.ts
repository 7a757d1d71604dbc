import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Log lines never carry credentials: session tokens in URLs (?token= on the event socket),
 * Authorization and Cookie headers, passwords. Redaction is by path for known fields and by
 * pattern for any string in the line (messages, URLs, error messages and stacks), so a
 * failing request logs its URL without the token.
 */
const REDACTED = '[redacted]';
const SECRET_QUERY = /([?&;](?:token|access_token|session|password|secret|key)=)[^&#\s"'<>]*/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const SESSION_COOKIE = /(switchyard_session=)[^;\s"']*/gi;

export function redactSecrets(text: string): string {
  return text.replace(SECRET_QUERY, `$1${REDACTED}`).replace(BEARER, `$1 ${REDACTED}`).replace(SESSION_COOKIE, `$1${REDACTED}`);
}

const REDACT_PATHS = [
  'password', '*.password', 'auth.pass', 'token', '*.token',
  'authorization', 'cookie', 'headers.authorization', 'headers.cookie', 'headers["set-cookie"]',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  'request.headers.authorization', 'request.headers.cookie',
];

/** Strings anywhere in a log object, a few levels deep, with secrets replaced; unchanged objects are returned as they are. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Error) return scrubError(value);
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(value)) {
    const s = scrub(v, depth + 1);
    if (s !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = s;
  }
  return out ?? value;
}

function scrubError(err: Error): unknown {
  return scrub({ ...stdSerializers.err(err) }, 1);
}

const serializers = {
  err: scrubError,
  url: (url: unknown) => (typeof url === 'string' ? redactSecrets(url) : url),
  req: (req: { method?: string; url?: string; headers?: Record<string, unknown>; ip?: string }) => ({
    method: req.method, url: typeof req.url === 'string' ? redactSecrets(req.url) : req.url, ip: req.ip,
  }),
};

export function createLogger(level: string, instanceId: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { instance: instanceId },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers,
    formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>);
      },
    },
  }, destination);
}
