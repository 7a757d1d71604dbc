import { parseArgs } from 'node:util';
import { loadConfig, parseRoles, type Config } from '../config/config.js';
import { startSwitchyard } from './main.js';
import { DEMO } from './bootstrap.js';
import { runAdminCommand, ADMIN_USAGE } from './cli-admin.js';
import { demoSend } from './demo-send.js';
import { PRIVATE_UMASK } from '../adapters/fs/private.js';

const USAGE = `switchyard: email routing for contact centres

Usage:
  switchyard start [--roles account-server,email-server,acd,web] [--demo]
  switchyard demo-send [--count N] [--host 127.0.0.1] [--port 1025]
${ADMIN_USAGE}
Environment: SWITCHYARD_DATA_DIR, DATABASE_URL, SWITCHYARD_HTTP_HOST, SWITCHYARD_HTTP_PORT,
SWITCHYARD_ADMIN_PASSWORD, SWITCHYARD_SECRET_KEY, SWITCHYARD_LOG_LEVEL (see README).`;

function config(): Config | null {
  const loaded = loadConfig();
  if (!loaded.ok) {
    console.error(`switchyard: invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
    return null;
  }
  return loaded.config;
}

export async function main(argv: string[]): Promise<number | undefined> {
  // Whatever this process creates (database, WAL, outbox, keys) is for its owner only.
  process.umask(PRIVATE_UMASK);
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': return start(rest);
    case 'demo-send': {
      const { values } = parseArgs({ args: rest, options: { count: { type: 'string', default: '3' }, host: { type: 'string', default: DEMO.smtpHost }, port: { type: 'string', default: String(DEMO.smtpPort) } } });
      await demoSend({ count: Number(values.count), host: values.host!, port: Number(values.port) });
      return 0;
    }
    case 'user': case 'smtp-server': case 'account': case 'migrate': {
      const cfg = config();
      return cfg ? runAdminCommand(cfg, command, rest) : 2;
    }
    case undefined: case 'help': case '--help': case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`switchyard: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

async function start(args: string[]): Promise<number | undefined> {
  let values;
  try {
    values = parseArgs({ args, options: { roles: { type: 'string' }, demo: { type: 'boolean', default: false } } }).values;
  } catch (err) {
    console.error(`switchyard start: ${(err as Error).message}`);
    return 2;
  }
  const roles = parseRoles(values.roles);
  if (!roles.ok) { console.error(`switchyard start: ${roles.problem}`); return 2; }
  const cfg = config();
  if (!cfg) return 2;
  const running = await startSwitchyard(cfg, roles.roles, { demo: values.demo ?? false });
  printBanner(cfg, roles.roles, running.admin, values.demo ?? false, running.deps.storage.dialect);
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
  if (demo) {
    lines.push('  Demo organisation:');
    for (const a of DEMO.agents) lines.push(`    agent ${a.username} / ${a.password}  (${a.note})`);
    lines.push(`    entrance ${DEMO.account}, fed by SMTP on ${DEMO.smtpHost}:${DEMO.smtpPort}`);
    lines.push(`    send sample mail with: npm run demo:send   (outgoing mail is written to ${cfg.dataDir}/outbox)`);
  }
  console.log(lines.filter(Boolean).join('\n') + '\n');
}
