import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the main thread. SQLite's automatic checkpoint runs inside the commit that
 * crosses its threshold, on the connection that committed: it copies the WAL's pages into the
 * database file and fsyncs it, and on the email server that is the event loop's thread, several
 * milliseconds at a time under ingest. This worker thread holds its own connection to the same file
 * and runs a PASSIVE checkpoint every `intervalMs` (it never blocks a writer or a reader; what a
 * reader still uses waits for the next one), so the main connection's own automatic checkpoint,
 * kept at a much higher threshold (`fallbackPages`), is only a backstop should this thread stall.
 * Nothing here decides anything: the database file is the same, only who copies the WAL changes.
 */
export const CHECKPOINT_INTERVAL_MS = 250;
/** The main connection's automatic checkpoint threshold with the worker running (pages; SQLite's default is 1000). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_000;

export interface Checkpointer {
  stop(): Promise<void>;
}

// CommonJS evaluated in the worker: better-sqlite3 is required by the path the main thread resolved.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 100');
let timer = null, stopped = false;
const tick = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next time */ }
  if (!stopped) timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (m) => {
  if (m === 'stop') { stopped = true; clearTimeout(timer); try { db.close(); } catch {} parentPort.close(); }
});
tick();
`;

export function startCheckpointer(file: string, intervalMs = CHECKPOINT_INTERVAL_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs }, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 } });
  worker.unref();
  // A failing checkpointer must never take the process down: the main connection's backstop takes over.
  worker.on('error', () => undefined);
  const exited = new Promise<void>((res) => worker.once('exit', () => res()));
  return {
    // Held (ref) while stopping: an unreferenced worker and timer would let the process exit in the middle of a close.
    stop: async () => {
      worker.ref();
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 2000); })]);
      clearTimeout(timer);
      await worker.terminate().catch(() => undefined);
    },
  };
}
