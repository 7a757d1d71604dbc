import type { Deps } from '../../app/deps.js';
import type { Logger } from '../../observability/logger.js';
import type { AccountRow } from '../../storage/schema.js';
import { backoffDelay, type BackoffOptions } from '../../core/backoff.js';
import { storeInbound } from '../../storage/repositories/inbound.js';
import { startSmtpListener, type SmtpListener } from '../../adapters/smtp-in/listener.js';
import { healthReporter, interruptibleSleep } from './health.js';
import type { AccountWatcher } from './imap-account.js';

/** Splits "local+tag@domain" into "local@domain" (lower-case); null when it is no address. */
function baseAddress(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  const local = address.slice(0, at).toLowerCase();
  const domain = address.slice(at + 1).toLowerCase();
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}@${domain}`;
}

/** The account's address and alternative addresses, each also with any "+tag". */
export function recipientMatcher(account: Pick<AccountRow, 'address' | 'alternative_addresses'>): (rcpt: string) => boolean {
  let alternatives: string[] = [];
  try { alternatives = JSON.parse(account.alternative_addresses) as string[]; } catch { /* treat as none */ }
  const own = new Set([account.address, ...alternatives].map((a) => baseAddress(a)).filter((a): a is string => a !== null));
  return (rcpt) => {
    const base = baseAddress(rcpt);
    return base !== null && own.has(base);
  };
}

/** One SMTP account: a listener that stores before it acknowledges; re-listens with back-off. */
export function startSmtpAccount(deps: Deps, account: AccountRow, log: Logger, opts: { backoff?: BackoffOptions } = {}): AccountWatcher {
  const health = healthReporter(deps, account.id, log);
  const pause = interruptibleSleep();
  const source = { account: account.address };
  let stopping = false;
  let listener: SmtpListener | null = null;

  const deliver = async (raw: Buffer): Promise<void> => {
    deps.metrics.messagesFetched.inc(source);
    const r = await storeInbound(deps.storage, { accountId: account.id, uidvalidity: null, uid: null, raw, sourceAction: 'none' }, deps.clock());
    if (r.stored) deps.metrics.messagesStored.inc({ ...source, source: 'smtp' });
    void health.set('listening', { success: true, error: null });
    await deps.bus.publish('inbound', { accountId: account.id }).catch((err) => log.warn({ err }, 'bus publish failed'));
  };

  const loop = async (): Promise<void> => {
    for (let attempt = 0; !stopping; attempt++) {
      try {
        if (account.security !== 'none') {
          // No certificate configuration exists yet; refuse rather than run TLS with a throwaway key.
          throw Object.assign(new Error(`smtp_in.security_unsupported: security '${account.security}' is not supported for SMTP accounts yet (use 'none' behind an MTA)`), { fatal: true });
        }
        listener = await startSmtpListener({
          host: account.host, port: account.port, security: 'none', acceptsRecipient: recipientMatcher(account), deliver, logger: log,
        });
        if (stopping) break;
        log.info({ host: account.host, port: listener.port }, 'SMTP listener started');
        await health.set('listening', { success: true, error: null });
        return; // runs until stop()
      } catch (err) {
        const text = (err as Error).message;
        const delay = backoffDelay(attempt, opts.backoff);
        log.warn({ error: text, retryInMs: delay }, 'SMTP listener failed');
        await health.set((err as { fatal?: boolean }).fatal ? 'error' : 'backoff', { error: text });
        if (!stopping) await pause.sleep(delay); // stop() may have come during the health write
      }
    }
  };

  const done = loop().catch((err) => log.error({ err }, 'SMTP account crashed'));

  return {
    async stop({ finalState = 'stopped' } = {}) {
      stopping = true;
      pause.interrupt();
      await done;
      const l = listener;
      listener = null;
      await l?.close(); // waits for open transactions, so every acknowledged message is stored
      if (finalState) await health.set(finalState);
    },
  };
}
