import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureChromium } from '../../bench/chromium.js';
import { mailStack, optionsFromEnv } from './mailstack/stack.js';

/**
 * Starts the real services the integration tests use (and installs Debian's Chromium
 * for the browser tests when it is missing): the project's own
 * Dovecot + Postfix stack on loopback (test/support/mailstack/) and this
 * machine's PostgreSQL. Both commands are idempotent.
 */
export default function setup(): void {
  if (process.env.SWITCHYARD_SKIP_SERVICES === '1') return;
  // Debian's Chromium for the browser tests (test/browser): installed when missing.
  ensureChromium();
  mailStack(optionsFromEnv(process.env)).start();
  if (existsSync('/etc/postgresql')) {
    try {
      execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-t', '2'], { stdio: 'ignore' });
    } catch {
      execFileSync('bash', ['-c', 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'], { stdio: 'inherit' });
    }
  }
}
