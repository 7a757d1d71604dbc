import { loadConfig, parseRoles, type Config } from '../config/config.js';
import { startSwitchyard } from './main.js';
import { DEMO } from './bootstrap.js';
import { runAdminCommand, ADMIN_USAGE, SUBCOMMANDS, usageOf } from './cli-admin.js';
import { didYouMean, parseOptions, UsageError, validate } from './cli-args.js';
import { demoSend } from './demo-send.js';
import { PRIVATE_UMASK } from '../adapters/fs/private.js';
import { z } from 'zod';

/** `switchyard <command>`: every command has --help; mistakes are answered in the CLI's own words. */
const COMMAND_USAGE: Record<string, string> = {
  start: '  switchyard start [--roles account-server,email-server,acd,web] [--demo]',
  'demo-send': '  switchyard demo-send [--count N] [--host 127.0.0.1] [--port SWITCHYARD_DEMO_SMTP_PORT, default 1025]',
};
const COMMANDS = [...Object.keys(COMMAND_USAGE), ...Object.keys(SUBCOMMANDS), 'help'];

const USAGE = `switchyard: email routing for contact centres

Usage (from the project folder: npx switchyard …):
${Object.values(COMMAND_USAGE).join('\n')}
${ADMIN_USAGE}
  switchyard <command> --help

Environment: SWITCHYARD_DATA_DIR, DATABASE_URL, SWITCHYARD_HTTP_HOST, SWITCHYARD_HTTP_PORT, SWITCHYARD_DEMO_SMTP_PORT,
SWITCHYARD_ADMIN_PASSWORD, SWITCHYARD_SECRET_KEY, SWITCHYARD_LOG_LEVEL, SWITCHYARD_METRICS_TOKEN
(/metrics needs it as a bearer token; unset, /metrics answers only this machine), SWITCHYARD_TRUST_PROXY
(proxy addresses whose X-Forwarded-For names the client) (see README).`;

function config(): Config | null {
  const loaded = loadConfig();
  if (!loaded.ok) {
    console.error(`switchyard: invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
    return null;
  }
  return loaded.config;
}

const usageFor = (command: string) => COMMAND_USAGE[command] ?? usageOf(command);

export async function main(argv: string[]): Promise<number | undefined> {
  // Whatever this process creates (database, WAL, outbox, keys) is for its owner only.
  process.umask(PRIVATE_UMASK);
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' ? rest[0] : undefined;
    console.log(topic && COMMANDS.includes(topic) ? `Usage:\n${usageFor(topic)}` : USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!COMMANDS.includes(command)) {
    console.error(`switchyard: unknown command '${command}'${didYouMean(command, COMMANDS)}; commands: ${COMMANDS.join(', ')}\n(npx switchyard --help shows them all)`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage:\n${usageFor(command)}`);
    return 0;
  }
  try {
    switch (command) {
      case 'start': return await start(rest);
      case 'demo-send': {
        const cfg = config();
        if (!cfg) return 2;
        const v = validate(z.object({ count: z.coerce.number().int().min(1).max(10_000).default(3), host: z.string().min(1).default(DEMO.smtpHost), port: z.coerce.number().int().min(1).max(65535).default(cfg.demoSmtpPort) }),
          parseOptions(rest, ['count', 'host', 'port']));
        await demoSend(v);
        return 0;
      }
      default: {
        const cfg = config();
        return cfg ? await runAdminCommand(cfg, command, rest) : 2;
      }
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`switchyard ${command}: ${err.message}\n\nUsage:\n${usageFor(command)}`);
    return 2;
  }
}

/** A port already taken: which one, and which variable moves it. */
export function portInUseMessage(err: unknown, cfg: Config): string | null {
  const e = err as { code?: string; port?: number; address?: string } | null;
  if (e?.code !== 'EADDRINUSE') return null;
  const where = `${e.address ?? cfg.http.host}:${e.port ?? cfg.http.port}`;
  if (e.port === undefined || e.port === cfg.http.port) {
    return `switchyard start: the web port ${where} is already in use (another Switchyard, or another program). Set SWITCHYARD_HTTP_PORT to a free port, e.g. SWITCHYARD_HTTP_PORT=8081 npx switchyard start`;
  }
  if (e.port === cfg.demoSmtpPort) return `switchyard start: the demo SMTP port ${where} is already in use. Set SWITCHYARD_DEMO_SMTP_PORT to a free port.`;
  return `switchyard start: port ${where} is already in use.`;
}

async function start(args: string[]): Promise<number | undefined> {
  const values = parseOptions(args, ['roles'], ['demo']);
  const roles = parseRoles(values.roles as string | undefined);
  if (!roles.ok) throw new UsageError(roles.problem);
  const cfg = config();
  if (!cfg) return 2;
  const demo = values.demo === true;
  let running;
  try {
    running = await startSwitchyard(cfg, roles.roles, { demo });
  } catch (err) {
    const message = portInUseMessage(err, cfg);
    if (!message) throw err;
    console.error(message);
    return 1;
  }
  printBanner(cfg, roles.roles, running.admin, demo, running.deps.storage.dialect);
  const shutdown = (signal: string) => {
    running.deps.logger.info({ signal }, 'shutting down');
    running.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return undefined;
}

function printBanner(cfg: Config, roles: string[], admin: { created: boolean; password: string | null; generated: boolean }, demo: boolean, db: string): void {
  const url = `http://${cfg.http.host}:${cfg.http.port}`;
  const lines = [
    '',
    `Switchyard is running (${roles.join(', ')}) on ${db === 'sqlite' ? `SQLite in ${cfg.dataDir}` : 'PostgreSQL'}.`,
    roles.includes('web') ? `  Web and API:  ${url}   (API document: ${url}/api/docs)` : '',
  ];
  if (admin.created) lines.push(admin.generated ? `  Admin login:  admin / ${admin.password}   (generated now; shown only once)` : '  Admin login:  admin / the password in SWITCHYARD_ADMIN_PASSWORD');
  else lines.push('  Admin login:  your existing administrator (lost the password? npx switchyard user set-password --username admin)');
  if (demo) {
    lines.push('  Demo organisation:');
    for (const a of DEMO.agents) lines.push(`    agent ${a.username} / ${a.password}  (${a.note})`);
    lines.push(`    entrance ${DEMO.account}, fed by SMTP on ${DEMO.smtpHost}:${cfg.demoSmtpPort} (SWITCHYARD_DEMO_SMTP_PORT)`);
    lines.push(`    send sample mail with: npm run demo:send   (outgoing mail is written to ${cfg.dataDir}/outbox)`);
  }
  console.log(lines.filter(Boolean).join('\n') + '\n');
}
