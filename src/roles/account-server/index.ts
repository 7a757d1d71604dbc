import type { Deps, StopRole } from '../../app/deps.js';
import type { BackoffOptions } from '../../core/backoff.js';
import type { AccountRow } from '../../storage/schema.js';
import { listEnabledAccounts } from '../../storage/repositories/accounts.js';
import { releaseLease, tryLease } from '../acd/leader.js';
import { startImapAccount, type AccountWatcher, type ImapAccountOptions } from './imap-account.js';
import { startSmtpAccount } from './smtp-account.js';

/**
 * The account server: one watcher per enabled IMAP account, one listener per enabled SMTP
 * account. The account list is re-read every few seconds; new or changed accounts are
 * (re)started and disabled or removed ones stopped. Accounts are independent: one failing
 * account only affects its own health row.
 */

export interface AccountServerOptions {
  /** How often the account list is re-read (ms). Default 5000. */
  reconcileIntervalMs?: number;
  /** Messages fetched per IMAP batch. Default 200. */
  batchSize?: number;
  /** Bytes of message sources one IMAP batch holds at most (a larger single message is a batch of its own). Default: config.imap.batchBytes. */
  batchBytes?: number;
  onBatch?: ImapAccountOptions['onBatch'];
  backoff?: BackoffOptions;
  maxIdleTimeMs?: number;
  /** How long an account's lease lasts without renewal (ms). Default 20,000. */
  accountLeaseMs?: number;
}

export const ACCOUNT_LEASE_MS = 20_000;

interface Running { updatedAt: number; watcher: AccountWatcher }

export async function startAccountServer(deps: Deps, options: AccountServerOptions = {}): Promise<StopRole> {
  const log = deps.logger.child({ role: 'account-server' });
  const running = new Map<string, Running>();
  let stopped = false;

  const start = (account: AccountRow): AccountWatcher => {
    const accountLog = deps.logger.child({ account: account.address });
    return account.protocol === 'imap'
      ? startImapAccount(deps, account, accountLog, { batchSize: options.batchSize ?? deps.config.imap.batchMessages, batchBytes: options.batchBytes ?? deps.config.imap.batchBytes, onBatch: options.onBatch, backoff: options.backoff, maxIdleTimeMs: options.maxIdleTimeMs })
      : startSmtpAccount(deps, account, accountLog, { backoff: options.backoff });
  };

  /**
   * One account server per IMAP account at a time: a lease row per account ('account:<id>'),
   * renewed at every reconcile; an instance that does not hold it leaves the account alone and
   * takes it over when the holder stops renewing. (SMTP listeners need no lease: a port has one owner.)
   */
  const me = deps.config.instanceId;
  const leaseName = (id: string) => `account:${id}`;
  const leaseMs = options.accountLeaseMs ?? ACCOUNT_LEASE_MS;
  const holds = async (account: AccountRow): Promise<boolean> =>
    account.protocol !== 'imap' || tryLease(deps.storage.db, leaseName(account.id), me, Date.now(), leaseMs);

  const reconcile = async (): Promise<void> => {
    const listed = [...await listEnabledAccounts(deps.storage.db, 'imap'), ...await listEnabledAccounts(deps.storage.db, 'smtp')];
    if (stopped) return;
    const accounts: AccountRow[] = [];
    for (const a of listed) if (await holds(a)) accounts.push(a);
    const wanted = new Map(accounts.map((a) => [a.id, a]));
    const stops: Promise<void>[] = [];
    for (const [id, r] of running) {
      const account = wanted.get(id);
      if (account && account.updated_at === r.updatedAt) continue;
      running.delete(id);
      const listedNow = listed.some((a) => a.id === id);
      // A changed account is restarted with its new settings (the new watcher reports health); one whose lease went elsewhere is left to its holder.
      stops.push(r.watcher.stop({ finalState: account || listedNow ? null : 'disabled' })
        .then(() => (account ? undefined : releaseLease(deps.storage.db, leaseName(id), me)))
        .catch((err) => log.error({ err, accountId: id }, 'stopping account failed')));
    }
    await Promise.all(stops);
    for (const account of accounts) {
      if (stopped || running.has(account.id)) continue;
      log.info({ account: account.address, protocol: account.protocol }, 'starting account');
      running.set(account.id, { updatedAt: account.updated_at, watcher: start(account) });
    }
  };

  // Serialised: a slow reconcile is never overlapped by the next tick.
  let reconciling: Promise<void> = Promise.resolve();
  const tick = () => {
    reconciling = reconciling.then(reconcile).catch((err) => log.error({ err }, 'reading the account list failed'));
    return reconciling;
  };
  await tick();
  const timer = setInterval(() => { void tick(); }, options.reconcileIntervalMs ?? 5000);
  timer.unref();
  // Configuration changes are announced on the bus; the timer covers a lost announcement.
  const unsubscribe = deps.bus.subscribe('accounts', () => { void tick(); });
  log.info({ accounts: running.size }, 'account server started');

  return async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    unsubscribe();
    await reconciling;
    const all = new Map(running);
    running.clear();
    await Promise.all([...all.values()].map((r) => r.watcher.stop().catch((err) => log.error({ err }, 'stopping account failed'))));
    const ids = [...all.keys()];
    for (const id of ids) await releaseLease(deps.storage.db, leaseName(id), me).catch(() => undefined);
    log.info('account server stopped');
  };
}
