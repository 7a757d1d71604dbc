import { execFileSync } from 'node:child_process';

/** The chaos suite runs its own mail stack (see chaos.test.ts); it only needs PostgreSQL up. */
export default function setup(): void {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-t', '2'], { stdio: 'ignore' });
  } catch {
    execFileSync('bash', ['-c', 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'], { stdio: 'inherit' });
  }
}
