import { z } from 'zod';
import { resolve } from 'node:path';

/**
 * The only module that reads process.env. One schema, every problem listed at once.
 */
export const ROLES = ['account-server', 'email-server', 'acd', 'web'] as const;
export type Role = (typeof ROLES)[number];

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  SWITCHYARD_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  SWITCHYARD_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  SWITCHYARD_HTTP_PORT: port.default(8080),
  SWITCHYARD_DEMO_SMTP_PORT: port.default(1025),
  SWITCHYARD_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SWITCHYARD_SECRET_KEY: z.string().regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex digits or base64').optional(),
  SWITCHYARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SWITCHYARD_INSTANCE_ID: z.string().min(1).optional(),
  SWITCHYARD_OFFER_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SWITCHYARD_SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  SWITCHYARD_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  SWITCHYARD_COOKIE_SECURE: z.enum(['0', '1']).default('0'),
  SWITCHYARD_ACD_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4000),
  SWITCHYARD_UNDO_SEND_SECONDS: z.coerce.number().int().min(0).max(600).default(10),
  SWITCHYARD_TIME_ZONE: z.string().refine((s) => { try { new Intl.DateTimeFormat('en-US', { timeZone: s }); return true; } catch { return false; } }, 'an IANA time zone name such as Europe/Berlin')
    .default('UTC'),
  SWITCHYARD_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  SWITCHYARD_TRUST_PROXY: z.string().regex(/^[0-9A-Fa-f.:/,\s a-z]+$/, 'a comma-separated list of proxy addresses or CIDRs (or loopback)').optional(),
  SWITCHYARD_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** IMAP fetch batches: at most this many bytes of message sources (a larger single message is fetched alone) and this many messages. */
  SWITCHYARD_IMAP_BATCH_BYTES: z.coerce.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
  SWITCHYARD_IMAP_BATCH_MESSAGES: z.coerce.number().int().min(1).max(10_000).default(200),
  /** The address browsers use, e.g. https://switchyard.example.com: its origin is accepted on cookie-authenticated writes and WebSocket upgrades. */
  SWITCHYARD_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
});

export interface Config {
  dataDir: string;
  databaseUrl: string | null;
  http: {
    host: string; port: number; maxBodyBytes: number; cookieSecure: boolean;
    /** Proxies whose X-Forwarded-For names the client (sign-in throttling is per client address); null = none. */
    trustProxy: string[] | null;
    /** Bearer token required for /metrics; null = /metrics answers only loopback clients not behind a proxy. */
    metricsToken: string | null;
    /** The origin of SWITCHYARD_PUBLIC_URL (scheme://host[:port]), or null. */
    publicOrigin: string | null;
  };
  /** The demo entrance's SMTP listener port (start --demo, demo-send). */
  demoSmtpPort: number;
  adminPassword: string | null;
  secretKey: string | null;
  logLevel: string;
  instanceId: string;
  offerTimeoutSeconds: number;
  sessionHours: number;
  /** How long a command from another process waits for the queue engine's leader before 503 acd.unavailable. */
  acdCommandTimeoutMs: number;
  /** Agent answers: the undo window before a sent answer leaves (0 = off), and the largest upload. */
  answers: { undoSendSeconds: number; maxUploadBytes: number };
  /** IMAP fetch batch bounds (account server). */
  imap: { batchBytes: number; batchMessages: number };
  /** The default time zone of statistics reports (IANA name; a report may ask for another). */
  timeZone: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof z.input<typeof envSchema>, string>> = {}): ConfigResult {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = overrides[key as keyof typeof overrides] ?? env[key];
    input[key] = value === '' ? undefined : value;
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const said = (i: (typeof parsed.error.issues)[number]) => {
      const key = i.path.join('.');
      if (i.code === 'invalid_type' && i.expected === 'number') return `${key}: must be a number, got '${input[key] ?? ''}'`;
      return `${key}: ${i.message}`;
    };
    return { ok: false, problems: parsed.error.issues.map(said) };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      dataDir: resolve(e.SWITCHYARD_DATA_DIR),
      databaseUrl: e.DATABASE_URL ?? null,
      http: {
        host: e.SWITCHYARD_HTTP_HOST, port: e.SWITCHYARD_HTTP_PORT, maxBodyBytes: e.SWITCHYARD_MAX_BODY_BYTES, cookieSecure: e.SWITCHYARD_COOKIE_SECURE === '1',
        trustProxy: e.SWITCHYARD_TRUST_PROXY ? e.SWITCHYARD_TRUST_PROXY.split(',').map((a) => a.trim()).filter(Boolean) : null,
        metricsToken: e.SWITCHYARD_METRICS_TOKEN ?? null,
        publicOrigin: e.SWITCHYARD_PUBLIC_URL ? new URL(e.SWITCHYARD_PUBLIC_URL).origin : null,
      },
      demoSmtpPort: e.SWITCHYARD_DEMO_SMTP_PORT,
      adminPassword: e.SWITCHYARD_ADMIN_PASSWORD ?? null,
      secretKey: e.SWITCHYARD_SECRET_KEY ?? null,
      logLevel: e.SWITCHYARD_LOG_LEVEL,
      instanceId: e.SWITCHYARD_INSTANCE_ID ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      offerTimeoutSeconds: e.SWITCHYARD_OFFER_TIMEOUT_SECONDS,
      sessionHours: e.SWITCHYARD_SESSION_HOURS,
      acdCommandTimeoutMs: e.SWITCHYARD_ACD_COMMAND_TIMEOUT_MS,
      answers: { undoSendSeconds: e.SWITCHYARD_UNDO_SEND_SECONDS, maxUploadBytes: e.SWITCHYARD_MAX_UPLOAD_BYTES },
      imap: { batchBytes: e.SWITCHYARD_IMAP_BATCH_BYTES, batchMessages: e.SWITCHYARD_IMAP_BATCH_MESSAGES },
      timeZone: e.SWITCHYARD_TIME_ZONE,
    },
  };
}

export function parseRoles(value: string | undefined): { ok: true; roles: Role[] } | { ok: false; problem: string } {
  if (!value) return { ok: true, roles: [...ROLES] };
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(ROLES as readonly string[]).includes(n));
  if (unknown.length) return { ok: false, problem: `unknown role(s): ${unknown.join(', ')}; known: ${ROLES.join(', ')}` };
  return { ok: true, roles: [...new Set(names)] as Role[] };
}
