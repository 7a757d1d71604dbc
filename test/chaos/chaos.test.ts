import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailStack, type MailStack } from '../support/mailstack/stack.js';
import { figureRows, runScenario } from './support/scenario.js';

/**
 * Crash and outage proof (`npm run test:chaos`): customer mail through Postfix into Dovecot with
 * automatic answers on and agents accepting (half of them external-client agents, so redirects
 * are sent) and closing, while every role is SIGKILLed and restarted, Dovecot is down, the SMTP
 * relay refuses and then is down, and PostgreSQL restarts. Afterwards nothing is lost or
 * duplicated, nothing is left unprocessed and every account is healthy without a restart.
 *
 * Runs on a mail stack of its own (ports +20000, /tmp/mailstack-chaos), so its outages never
 * reach the stack the other tests share. Knobs (defaults are the CI values, printed):
 * CHAOS_MAILS_PG, CHAOS_MAILS_SQLITE, CHAOS_KILLS, CHAOS_OUTAGE_SECONDS, CHAOS_PG_RESTART=0|1,
 * CHAOS_CONFIGS=postgres,sqlite.
 */
const env = process.env;
const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const KNOBS = {
  mailsPg: num(env.CHAOS_MAILS_PG, 2000),
  mailsSqlite: num(env.CHAOS_MAILS_SQLITE, 2000),
  kills: num(env.CHAOS_KILLS, 20),
  outageSeconds: num(env.CHAOS_OUTAGE_SECONDS, 30),
  pgRestart: env.CHAOS_PG_RESTART !== '0',
  configs: (env.CHAOS_CONFIGS ?? 'postgres,sqlite').split(','),
};
const log = (line: string) => process.stdout.write(`${line}\n`);

describe('chaos: crashes and outages under load', () => {
  let stack: MailStack;
  beforeAll(() => {
    stack = mailStack({ dir: '/tmp/mailstack-chaos', portOffset: 20_000 });
    stack.reset();
    stack.start();
    log(`chaos settings: ${JSON.stringify(KNOBS)}`);
  });
  afterAll(() => { stack?.stop(); });

  const every = ['account-server', 'email-server', 'acd', 'web'].join(',');
  const configs = [
    {
      name: 'postgres', dialect: 'postgres' as const, mails: KNOBS.mailsPg,
      members: [
        { name: 'account-server', roles: 'account-server' },
        { name: 'email-server-a', roles: 'email-server' }, { name: 'email-server-b', roles: 'email-server' },
        { name: 'acd-a', roles: 'acd' }, { name: 'acd-b', roles: 'acd' },
        { name: 'web-a', roles: 'web' }, { name: 'web-b', roles: 'web' },
      ],
    },
    { name: 'sqlite', dialect: 'sqlite' as const, mails: KNOBS.mailsSqlite, members: [{ name: 'all-roles', roles: every }] },
  ].filter((c) => KNOBS.configs.includes(c.name));

  for (const c of configs) {
    it(`${c.name}: ${c.mails} mails, ${KNOBS.kills} SIGKILLs, outages: nothing lost, nothing duplicated, all recovered`, async () => {
      const out = await runScenario({
        dialect: c.dialect, members: c.members, mails: c.mails, kills: KNOBS.kills, outageSeconds: KNOBS.outageSeconds,
        pgRestart: KNOBS.pgRestart, stack, tag: `${c.name}-${Date.now().toString(36)}`, log,
      });
      for (const row of figureRows(c.name, out)) log(row);
      if (out.figures.problems.length) log(`chaos ${c.name}: problems:\n  ${out.figures.problems.join('\n  ')}\n${out.tails}`);
      expect(out.figures.problems).toEqual([]);
      expect(out.unplannedExits).toBe(0);
      expect(out.figures.mails).toBe(c.mails);
      expect(out.kills).toHaveLength(KNOBS.kills);
      expect(new Set(out.kills.map((k) => k.member))).toEqual(new Set(c.members.map((m) => m.name)));
    }, 900_000);
  }
});
