import { mailStack, optionsFromEnv } from './stack.js';

/**
 * Commands of the project's mail stack (scripts/mailstack.sh runs them through bin.ts with tsx).
 *
 *   start | stop | restart | status | env | reset | logs [N] | install
 *   add-user NAME@DOMAIN PASSWORD [NAME@DOMAIN PASSWORD ...] | add-domain DOMAIN | doveadm ARGS...
 *   outage: dovecot-stop | dovecot-start | smtp-refuse | smtp-accept | postfix-stop | postfix-start
 *
 * Environment: MAILSTACK_DIR (default /tmp/mailstack), MAILSTACK_PORT_OFFSET (added to every port;
 * default 0: IMAP 1143, POP3 1110, LMTP 1024, SMTP 2525, IMAPS 1993, POP3S 1995, IMAP+STARTTLS 1144,
 * SMTP+STARTTLS 2587, SMTPS 2465), MAILSTACK_TLS=0 (no TLS instance), MAILSTACK_FSYNC,
 * MAILSTACK_SEED_USERS ("addr:password ..."), MAILSTACK_DOMAINS.
 */
export function run(args: string[], env: NodeJS.ProcessEnv = process.env): { code: number; out: string } {
  const stack = mailStack(optionsFromEnv(env));
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'start': stack.start(); return { code: 0, out: '' };
    case 'stop': stack.stop(); return { code: 0, out: '' };
    case 'restart': stack.stop(); stack.start(); return { code: 0, out: '' };
    case 'status': { const s = stack.status(); return { code: s.ok ? 0 : 1, out: s.text }; }
    case 'env': return { code: 0, out: stack.env() };
    case 'reset': stack.reset(); return { code: 0, out: '' };
    case 'logs': return { code: 0, out: stack.logs(rest[0] ? Number(rest[0]) : 50) };
    case 'install': stack.start(); return { code: 0, out: '' };
    case 'add-user': {
      if (rest.length < 2 || rest.length % 2) throw new Error('usage: add-user NAME@DOMAIN PASSWORD [NAME@DOMAIN PASSWORD ...]');
      const pairs: [string, string][] = [];
      for (let i = 0; i < rest.length; i += 2) pairs.push([rest[i], rest[i + 1]]);
      stack.addUsers(pairs);
      return { code: 0, out: '' };
    }
    case 'add-domain': if (rest.length !== 1) throw new Error('usage: add-domain DOMAIN'); stack.addDomain(rest[0]); return { code: 0, out: '' };
    case 'doveadm': return { code: 0, out: stack.doveadm(rest) };
    case 'dovecot-stop': stack.stopDovecot(); return { code: 0, out: '' };
    case 'dovecot-start': stack.startDovecot(); return { code: 0, out: '' };
    case 'postfix-stop': stack.stopPostfix(); return { code: 0, out: '' };
    case 'postfix-start': stack.startPostfix(); return { code: 0, out: '' };
    case 'smtp-refuse': stack.refuseSmtp(true); return { code: 0, out: '' };
    case 'smtp-accept': stack.refuseSmtp(false); return { code: 0, out: '' };
    default:
      return { code: 2, out: 'usage: mailstack start|stop|restart|status|env|reset|logs [N]|install|add-user NAME@DOMAIN PASSWORD...|add-domain DOMAIN|doveadm ARGS...|dovecot-stop|dovecot-start|smtp-refuse|smtp-accept|postfix-stop|postfix-start\n' };
  }
}
