import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { openStorage } from '../storage/db.js';
import { createSecretBox, hashPassword, loadSecretKey } from '../adapters/crypto/secrets.js';
import { createUser, listUsers, toUserView } from '../storage/repositories/users.js';
import { createAccount, createSmtpServer, listAccounts, listSmtpServers, toAccountView, toSmtpServerView, entranceForAccount } from '../storage/repositories/accounts.js';

/** Configuration from the command line: the same rules as the REST API, straight on the database. */
export const ADMIN_USAGE = `  switchyard user add --username U --password P --role admin|supervisor|agent [--display-name N] [--email E] [--skills billing=5,swedish=3]
  switchyard user list
  switchyard smtp-server add --name N --host H --port P [--security none|starttls|tls] [--user U --password P --method PLAIN|LOGIN|CRAM-MD5]
  switchyard smtp-server list
  switchyard account add --address A --protocol imap|smtp --host H --port P [--security none|starttls|tls] [--username U --password P]
                         [--mailbox INBOX] [--after-import seen|move|delete] [--move-to F] [--poll-interval 30] [--smtp-server ID]
                         [--return-address A] [--alternative-addresses a,b] [--disabled]
  switchyard account list
  switchyard migrate`;

const security = z.enum(['none', 'starttls', 'tls']);
const userArgs = z.object({
  username: z.string().regex(/^[a-zA-Z0-9._-]{2,64}$/, '2-64 letters, digits, dot, dash or underscore'),
  password: z.string().min(8, 'at least 8 characters'),
  role: z.enum(['admin', 'supervisor', 'agent']),
  'display-name': z.string().min(1).optional(),
  email: z.string().email().optional(),
  skills: z.string().regex(/^([a-z0-9_-]+=[1-9])(,[a-z0-9_-]+=[1-9])*$/i, 'name=level pairs, levels 1-9').optional(),
});
const smtpArgs = z.object({
  name: z.string().min(1), host: z.string().min(1), port: z.coerce.number().int().min(1).max(65535), security: security.default('none'),
  user: z.string().optional(), password: z.string().optional(), method: z.enum(['PLAIN', 'LOGIN', 'CRAM-MD5']).default('PLAIN'),
}).refine((v) => !v.user === !v.password, { message: '--user and --password go together' });
const accountArgs = z.object({
  address: z.string().email(), protocol: z.enum(['imap', 'smtp']), host: z.string().min(1), port: z.coerce.number().int().min(1).max(65535),
  security: security.default('none'), username: z.string().optional(), password: z.string().optional(), mailbox: z.string().min(1).default('INBOX'),
  'after-import': z.enum(['seen', 'move', 'delete']).default('seen'), 'move-to': z.string().optional(),
  'poll-interval': z.coerce.number().int().min(5).max(3600).default(30), 'smtp-server': z.string().optional(),
  'return-address': z.string().email().optional(), 'alternative-addresses': z.string().optional(), disabled: z.boolean().default(false),
}).refine((v) => v.protocol !== 'imap' || (v.username && v.password), { message: 'IMAP accounts need --username and --password' })
  .refine((v) => v['after-import'] !== 'move' || v['move-to'], { message: '--after-import move needs --move-to' });

function parse<T extends z.ZodType>(schema: T, args: string[], flags: string[], booleans: string[] = []): z.infer<T> | null {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const f of flags) options[f] = { type: 'string' };
  for (const f of booleans) options[f] = { type: 'boolean' };
  let values: Record<string, unknown>;
  try { values = parseArgs({ args, options, strict: true }).values; } catch (err) { console.error((err as Error).message); return null; }
  const r = schema.safeParse(values);
  if (!r.success) {
    console.error(r.error.issues.map((i) => `  --${i.path.join('.') || '(arguments)'}: ${i.message}`).join('\n'));
    return null;
  }
  return r.data;
}

export async function runAdminCommand(config: Config, command: string, args: string[]): Promise<number> {
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const secrets = createSecretBox(loadSecretKey(config.secretKey, config.dataDir));
  const now = Date.now();
  const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));
  try {
    const sub = args[0];
    const rest = args.slice(1);
    if (command === 'migrate') { console.log('database is at the latest schema'); return 0; }
    if (sub === 'list') {
      if (command === 'user') print((await listUsers(storage.db)).map(toUserView));
      else if (command === 'smtp-server') print((await listSmtpServers(storage.db)).map(toSmtpServerView));
      else print(await Promise.all((await listAccounts(storage.db)).map(async (a) => toAccountView(a, (await entranceForAccount(storage.db, a.id))?.id ?? null))));
      return 0;
    }
    if (sub !== 'add') { console.error(`usage:\n${ADMIN_USAGE}`); return 2; }
    if (command === 'user') {
      const v = parse(userArgs, rest, ['username', 'password', 'role', 'display-name', 'email', 'skills']);
      if (!v) return 2;
      const skills = Object.fromEntries((v.skills ?? '').split(',').filter(Boolean).map((p) => { const [k, l] = p.split('='); return [k, Number(l)]; }));
      const r = await createUser(storage.db, { username: v.username, displayName: v['display-name'] ?? v.username, passwordHash: await hashPassword(v.password), role: v.role, email: v.email ?? null, skills }, now);
      if (!r.ok) { console.error(r.message); return 1; }
      print(toUserView(r.user));
    } else if (command === 'smtp-server') {
      const v = parse(smtpArgs, rest, ['name', 'host', 'port', 'security', 'user', 'password', 'method']);
      if (!v) return 2;
      const r = await createSmtpServer(storage.db, { name: v.name, host: v.host, port: v.port, security: v.security, auth: v.user && v.password ? { user: v.user, secretSealed: secrets.seal(v.password), method: v.method } : null }, now);
      if (!r.ok) { console.error(r.message); return 1; }
      print(toSmtpServerView(r.server));
    } else {
      const v = parse(accountArgs, rest, ['address', 'protocol', 'host', 'port', 'security', 'username', 'password', 'mailbox', 'after-import', 'move-to', 'poll-interval', 'smtp-server', 'return-address', 'alternative-addresses'], ['disabled']);
      if (!v) return 2;
      const r = await createAccount(storage.db, {
        address: v.address, protocol: v.protocol, host: v.host, port: v.port, security: v.security, username: v.username ?? null,
        passwordSealed: v.password ? secrets.seal(v.password) : null, mailbox: v.mailbox, afterImport: v['after-import'], moveTo: v['move-to'] ?? null,
        pollIntervalSeconds: v['poll-interval'], smtpServerId: v['smtp-server'] ?? null, returnAddress: v['return-address'] ?? null,
        alternativeAddresses: (v['alternative-addresses'] ?? '').split(',').map((s) => s.trim()).filter(Boolean), enabled: !v.disabled,
      }, now);
      if (!r.ok) { console.error(r.message); return 1; }
      print(toAccountView(r.account, r.entranceId));
    }
    return 0;
  } finally {
    await storage.close();
  }
}
