import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** Runs the built CLI (`bin/switchyard.js`, as installed) as a child process. `npm test` builds first. */
const BIN = resolve(import.meta.dirname, '../../bin/switchyard.js');

export interface SwitchyardProcess {
  proc: ChildProcess;
  output(): string;
  /** Resolves when the process logged that it started. */
  started: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

export function spawnSwitchyard(args: string[], env: Record<string, string | undefined>): SwitchyardProcess {
  const proc = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SWITCHYARD_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let onStarted: () => void;
  let onFailed: (e: Error) => void;
  const started = new Promise<void>((res, rej) => { onStarted = res; onFailed = rej; });
  const watch = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('"switchyard started"')) onStarted();
  };
  proc.stdout!.on('data', watch);
  proc.stderr!.on('data', watch);
  proc.once('exit', (code, signal) => onFailed(new Error(`switchyard exited (${code ?? signal}) before starting:\n${out.slice(-4000)}`)));
  const timer = setTimeout(() => onFailed(new Error(`switchyard did not start within 60 s:\n${out.slice(-4000)}`)), 60_000);
  started.finally(() => clearTimeout(timer)).catch(() => undefined);
  return {
    proc,
    output: () => out,
    started,
    kill(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
      return new Promise((res) => { proc.once('exit', (code) => res(code)); proc.kill(signal); });
    },
  };
}
