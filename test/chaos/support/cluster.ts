import { randomBytes } from 'node:crypto';
import { freePort, spawnSwitchyard, type SwitchyardProcess } from '../../support/process.js';
import type { TestDatabase } from '../../support/storage.js';

/**
 * Switchyard processes under a supervisor, as a service manager would run them: every process
 * that exits (SIGKILLed by the chaos schedule, or crashed on its own) is started again with the
 * same instance id, web port and environment. A start that fails (the database is restarting)
 * is retried every second.
 */
export const CHAOS_ADMIN_PASSWORD = 'chaos-admin-password';

export interface Member {
  name: string;
  roles: string;
  env: Record<string, string | undefined>;
  webPort: number | null;
  current: SwitchyardProcess | null;
  /** Planned kills; crashes (a started process that died without being killed by us); starts that failed (database away). */
  kills: number;
  unplannedExits: number;
  failedStarts: number;
  restarts: number;
  output: string[];
}

export interface Cluster {
  members: Member[];
  webBases(): string[];
  /** SIGKILLs a member; the supervisor starts it again. Resolves when it has exited. */
  kill(name: string): Promise<void>;
  /** All members (or those named) up (logged "switchyard started"). */
  ready(timeoutMs?: number, names?: string[]): Promise<void>;
  stop(): Promise<void>;
  tail(name: string, chars?: number): string;
}

export interface MemberSpec { name: string; roles: string }

export async function startCluster(tdb: TestDatabase, specs: MemberSpec[], extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const secretKey = randomBytes(32).toString('hex');
  let stopping = false;
  const planned = new Set<string>();
  const members: Member[] = [];
  for (const s of specs) {
    const webPort = s.roles.includes('web') ? await freePort() : null;
    members.push({
      name: s.name, roles: s.roles, webPort, current: null, kills: 0, unplannedExits: 0, failedStarts: 0, restarts: 0, output: [],
      env: {
        SWITCHYARD_DATA_DIR: tdb.dataDir, DATABASE_URL: tdb.databaseUrl ?? undefined, SWITCHYARD_INSTANCE_ID: s.name,
        SWITCHYARD_SECRET_KEY: secretKey, SWITCHYARD_ADMIN_PASSWORD: CHAOS_ADMIN_PASSWORD, SWITCHYARD_LOG_LEVEL: 'info',
        ...(webPort ? { SWITCHYARD_HTTP_PORT: String(webPort) } : {}), ...extraEnv,
      },
    });
  }

  const launch = (m: Member): void => {
    if (stopping) return;
    const p = spawnSwitchyard(['start', '--roles', m.roles], m.env);
    m.current = p;
    let up = false;
    p.started.then(() => { up = true; }, () => undefined);
    p.proc.once('exit', (code, signal) => {
      // keep the last output of every life for the failure report
      m.output.push(`--- ${m.name} exited (${code ?? signal}) ---\n${p.output().slice(-3000)}`);
      if (m.output.length > 6) m.output.shift();
      if (stopping) return;
      if (planned.has(m.name)) planned.delete(m.name); else if (up) m.unplannedExits++; else m.failedStarts++;
      m.restarts++;
      // a start that failed at once (database down) is retried after a pause
      setTimeout(() => launch(m), code === null ? 0 : 1000);
    });
  };
  for (const m of members) launch(m);

  const byName = (name: string) => {
    const m = members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  };

  return {
    members,
    webBases: () => members.filter((m) => m.webPort).map((m) => `http://127.0.0.1:${m.webPort}`),
    async kill(name) {
      const m = byName(name);
      const p = m.current;
      if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return;
      planned.add(name);
      m.kills++;
      await p.kill('SIGKILL');
    },
    async ready(timeoutMs = 60_000, names) {
      const end = Date.now() + timeoutMs;
      for (const m of names ? names.map(byName) : members) {
        for (;;) {
          const p = m.current;
          const ok = p ? await Promise.race([p.started.then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 500))]) : false;
          if (ok && p && p === m.current && p.proc.exitCode === null && p.proc.signalCode === null) break;
          if (Date.now() > end) throw new Error(`${m.name} did not start:\n${m.current?.output().slice(-3000) ?? ''}\n${m.output.join('\n')}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
    async stop() {
      stopping = true;
      await Promise.all(members.map((m) => m.current?.kill('SIGTERM')));
    },
    tail: (name, chars = 4000) => `${byName(name).output.join('\n')}\n--- ${name} now ---\n${byName(name).current?.output().slice(-chars) ?? ''}`,
  };
}
