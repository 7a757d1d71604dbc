import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig, type Config } from '../src/config/config.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const MAIL = { host: '127.0.0.1', imapPort: 1143, smtpPort: 2525 } as const;

export function mailstack(...args: string[]): string {
  return execFileSync('bash', [join(ROOT, 'scripts/mailstack.sh'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function table(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${title}\n${line(cells[0])}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n${cells.slice(1).map(line).join('\n')}`);
}

export const fmt = (n: number): string => (Number.isNaN(n) ? 'n/a' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export async function freshPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.SWITCHYARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `sy_bench_${Date.now().toString(36)}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  return {
    url: admin.replace(/\/[^/]*$/, `/${name}`),
    async drop() {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    },
  };
}

export function benchConfig(databaseUrl: string | null, httpPort = 0): Config {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const r = loadConfig({}, { SWITCHYARD_DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? undefined, SWITCHYARD_LOG_LEVEL: 'warn', SWITCHYARD_HTTP_PORT: String(httpPort), SWITCHYARD_ADMIN_PASSWORD: 'bench-admin-pw' });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
}

/** A ~size-byte plain-text message with a unique Message-ID. */
export function sampleMessage(i: number, to: string, size = 10_240): Buffer {
  const head = [`From: "Customer ${i}" <customer${i}@example.org>`, `To: ${to}`, `Subject: Bench message ${i}`,
    `Message-ID: <bench-${i}-${Date.now().toString(36)}@example.org>`, `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8', '', ''].join('\r\n');
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.\r\n';
  let body = '';
  while (head.length + body.length < size) body += line;
  return Buffer.from(head + body.slice(0, size - head.length));
}

/**
 * A full garbage collection, also when node was started without --expose-gc (heap figures taken
 * without one are whatever the collector happened to leave: they can even come out negative).
 */
export function forceGc(): void {
  if (!globalThis.gc) {
    v8.setFlagsFromString('--expose-gc');
    globalThis.gc = runInNewContext('gc') as typeof globalThis.gc;
  }
  void globalThis.gc!();
}
