import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { openStorage } from '../storage/db.js';
import { createSecretBox, hashPassword, loadSecretKey } from '../adapters/crypto/secrets.js';
import { notifyOnce } from '../storage/bus.js';
import { createUser, endSessions, findUserByName, listUsers, setPasswordHash, toUserView } from '../storage/repositories/users.js';
import { createAccount, createSmtpServer, listAccounts, listSmtpServers, toAccountView, toSmtpServerView, entranceForAccount } from '../storage/repositories/accounts.js';
import { rebuildStatistics, updateStatistics } from '../storage/repositories/statistics.js';
import { writeAudit } from '../web/audit.js';
import { didYouMean, parseOptions, UsageError, validate } from './cli-args.js';

/** Configuration from the command line: the same rules as the REST API, straight on the database. */
export const SUBCOMMANDS: Record<string, Record<string, string>> = {
  user: {
    add: 'switchyard user add --username U --password P --role admin|supervisor|agent [--display-name N] [--email E] [--skills billing=5,swedish=3]',
    list: 'switchyard user list',
    'set-password': 'switchyard user set-password --username U [--password P]   (no --password: a new one is generated and shown once; the user\'s sessions end)',
  },
  'smtp-server': {
    add: 'switchyard smtp-server add --name N --host H --port P [--security none|starttls|tls] [--user U --password P --method PLAIN|LOGIN|CRAM-MD5]',
    list: 'switchyard smtp-server list',
  },
  account: {
    add: 'switchyard account add --address A --protocol imap|smtp --host H --port P [--security none|starttls|tls] [--username U --password P]\n'
      + '                         [--mailbox INBOX] [--after-import seen|move|delete] [--move-to F] [--poll-interval 30] [--smtp-server ID]\n'
      + '                         [--return-address A] [--alternative-addresses a,b] [--disabled]',
    list: 'switchyard account list',
  },
  stats: {
    rebuild: 'switchyard stats rebuild   (recomputes the statistics tables from the whole event log)',
    update: 'switchyard stats update    (processes events not yet counted)',
  },
  migrate: { '': 'switchyard migrate' },
};

export const ADMIN_USAGE = Object.values(SUBCOMMANDS).flatMap((subs) => Object.values(subs)).map((u) => `  ${u}`).join('\n');

export const usageOf = (command: string): string => Object.values(SUBCOMMANDS[command] ?? {}).map((u) => `  ${u}`).join('\n');

const security = z.enum(['none', 'starttls', 'tls']);
const portNumber = z.coerce.number().int().min(1).max(65535);
const userArgs = z.object({
  username: z.string().regex(/^[a-zA-Z0-9._@-]{2,64}$/, '2-64 letters, digits, dot, dash, @ or underscore'),
  password: z.string().min(8),
  role: z.enum(['admin', 'supervisor', 'agent']),
  'display-name': z.string().min(1).optional(),
  email: z.email().optional(),
  skills: z.string().regex(/^([a-z0-9_-]+=[1-9])(,[a-z0-9_-]+=[1-9])*$/i, 'name=level pairs, levels 1-9, e.g. billing=5,swedish=3').optional(),
});
const setPasswordArgs = z.object({ username: z.string().min(1), password: z.string().min(8).optional() });
const smtpArgs = z.object({
  name: z.string().min(1), host: z.string().min(1), port: portNumber, security: security.default('none'),
  user: z.string().optional(), password: z.string().optional(), method: z.enum(['PLAIN', 'LOGIN', 'CRAM-MD5']).default('PLAIN'),
}).refine((v) => !v.user === !v.password, { message: '--user and --password go together' });
const accountArgs = z.object({
  address: z.email(), protocol: z.enum(['imap', 'smtp']), host: z.string().min(1), port: portNumber,
  security: security.default('none'), username: z.string().optional(), password: z.string().optional(), mailbox: z.string().min(1).default('INBOX'),
  'after-import': z.enum(['seen', 'move', 'delete']).default('seen'), 'move-to': z.string().optional(),
  'poll-interval': z.coerce.number().int().min(5).max(3600).default(30), 'smtp-server': z.string().optional(),
  'return-address': z.email().optional(), 'alternative-addresses': z.string().optional(), disabled: z.boolean().default(false),
}).refine((v) => v.protocol !== 'imap' || (v.username && v.password), { message: 'IMAP accounts need --username and --password' })
  .refine((v) => v['after-import'] !== 'move' || v['move-to'], { message: '--after-import move needs --move-to' });

const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));

/** Runs `switchyard <command> <subcommand> …`; usage problems throw UsageError (exit 2). */
export async function runAdminCommand(config: Config, command: string, args: string[]): Promise<number> {
  const subs = SUBCOMMANDS[command];
  const sub = command === 'migrate' ? '' : args[0];
  if (command !== 'migrate') {
    if (!sub || sub.startsWith('-')) throw new UsageError(`which ${command} command? one of: ${Object.keys(subs).join(', ')}`);
    if (!(sub in subs)) throw new UsageError(`unknown ${command} command '${sub}'${didYouMean(sub, Object.keys(subs))}; one of: ${Object.keys(subs).join(', ')}`);
  }
  const rest = command === 'migrate' ? args : args.slice(1);
  // Arguments are checked before the database is opened.
  const run = plan(command, sub, rest);
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await run({ storage, config, now: Date.now() });
  } finally {
    await storage.close();
  }
}

type Ctx = { storage: Awaited<ReturnType<typeof openStorage>>; config: Config; now: number };

function plan(command: string, sub: string, rest: string[]): (ctx: Ctx) => Promise<number> {
  const key = `${command} ${sub}`.trim();
  const noOptions = () => { parseOptions(rest, []); };
  switch (key) {
    case 'migrate': noOptions(); return async () => { console.log('the database is at the latest schema'); return 0; };
    case 'user list': noOptions(); return async ({ storage }) => { print((await listUsers(storage.db)).map(toUserView)); return 0; };
    case 'smtp-server list': noOptions(); return async ({ storage }) => { print((await listSmtpServers(storage.db)).map(toSmtpServerView)); return 0; };
    case 'account list': noOptions(); return async ({ storage }) => {
      print(await Promise.all((await listAccounts(storage.db)).map(async (a) => toAccountView(a, (await entranceForAccount(storage.db, a.id))?.id ?? null))));
      return 0;
    };
    case 'stats rebuild': case 'stats update': noOptions(); return async ({ storage }) => {
      const started = Date.now();
      const n = sub === 'rebuild' ? await rebuildStatistics(storage) : await updateStatistics(storage);
      console.log(`statistics ${sub === 'rebuild' ? 'rebuilt from' : 'updated with'} ${n} event(s) in ${Date.now() - started} ms`);
      return 0;
    };
    case 'user add': {
      const v = validate(userArgs, parseOptions(rest, ['username', 'password', 'role', 'display-name', 'email', 'skills']));
      return async ({ storage, now }) => {
        const skills = Object.fromEntries((v.skills ?? '').split(',').filter(Boolean).map((p) => { const [k, l] = p.split('='); return [k, Number(l)]; }));
        const r = await createUser(storage.db, { username: v.username, displayName: v['display-name'] ?? v.username, passwordHash: await hashPassword(v.password), role: v.role, email: v.email ?? null, skills }, now);
        if (!r.ok) { console.error(`switchyard user add: ${r.message}`); return 1; }
        print(toUserView(r.user));
        return 0;
      };
    }
    case 'user set-password': {
      const v = validate(setPasswordArgs, parseOptions(rest, ['username', 'password']));
      return async ({ storage, now }) => {
        const user = await findUserByName(storage.db, v.username);
        if (!user) { console.error(`switchyard user set-password: there is no user '${v.username}' (see: npx switchyard user list)`); return 1; }
        const password = v.password ?? randomBytes(12).toString('base64url');
        await setPasswordHash(storage.db, user.id, await hashPassword(password), now);
        const ended = await endSessions(storage.db, user.id);
        await notifyOnce(storage, 'config', { scope: 'users', userId: user.id }); // running servers drop the cached sessions
        await writeAudit(storage.db, { user: null, objectType: 'users', objectId: user.id, action: 'password', before: null, after: { via: 'cli', sessionsEnded: ended } }, now);
        console.log(v.password
          ? `password of '${user.username}' changed; ${ended} session(s) ended`
          : `new password of '${user.username}': ${password}   (shown only once; ${ended} session(s) ended)`);
        return 0;
      };
    }
    case 'smtp-server add': {
      const v = validate(smtpArgs, parseOptions(rest, ['name', 'host', 'port', 'security', 'user', 'password', 'method']));
      return async ({ storage, config, now }) => {
        const secrets = createSecretBox(loadSecretKey(config.secretKey, config.dataDir));
        const r = await createSmtpServer(storage.db, { name: v.name, host: v.host, port: v.port, security: v.security, auth: v.user && v.password ? { user: v.user, secretSealed: secrets.seal(v.password), method: v.method } : null }, now);
        if (!r.ok) { console.error(`switchyard smtp-server add: ${r.message}`); return 1; }
        print(toSmtpServerView(r.server));
        return 0;
      };
    }
    case 'account add': {
      const v = validate(accountArgs, parseOptions(rest, ['address', 'protocol', 'host', 'port', 'security', 'username', 'password', 'mailbox', 'after-import', 'move-to', 'poll-interval', 'smtp-server', 'return-address', 'alternative-addresses'], ['disabled']));
      return async ({ storage, config, now }) => {
        const secrets = createSecretBox(loadSecretKey(config.secretKey, config.dataDir));
        const r = await createAccount(storage.db, {
          address: v.address, protocol: v.protocol, host: v.host, port: v.port, security: v.security, username: v.username ?? null,
          passwordSealed: v.password ? secrets.seal(v.password) : null, mailbox: v.mailbox, afterImport: v['after-import'], moveTo: v['move-to'] ?? null,
          pollIntervalSeconds: v['poll-interval'], smtpServerId: v['smtp-server'] ?? null, returnAddress: v['return-address'] ?? null,
          alternativeAddresses: (v['alternative-addresses'] ?? '').split(',').map((s) => s.trim()).filter(Boolean), enabled: !v.disabled,
        }, now);
        if (!r.ok) { console.error(`switchyard account add: ${r.message}`); return 1; }
        print(toAccountView(r.account, r.entranceId));
        return 0;
      };
    }
    default:
      throw new UsageError(`unknown command '${key}'`);
  }
}
