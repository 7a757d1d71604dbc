import type { Bus, Topic } from '../storage/bus.js';

/**
 * The loop every background role runs: work is started by bus hints, by a periodic sweep
 * (which covers lost hints) and by timers the work itself asks for. Runs are serialised
 * and coalesced: any number of kicks during a run cause exactly one more run. `pace(ms)`,
 * when given, returns how long to hold the next run after one that took `ms`.
 */
export interface Runner {
  kick(): void;
  /** Runs the work at `due` (epoch ms per `clock`), replacing an earlier timer; null clears it. */
  at(due: number | null): void;
  stop(): Promise<void>;
}

export interface RunnerOptions {
  bus: Bus;
  topic: Topic;
  sweepMs: number;
  clock: () => number;
  onError: (err: unknown) => void;
  pace?: (ms: number) => number;
}

export function startRunner(work: (isStopped: () => boolean) => Promise<void>, opts: RunnerOptions): Runner {
  let running = false;
  let again = false;
  let stopped = false;
  let idle: Promise<void> = Promise.resolve();
  let heldUntil = 0;
  let held: NodeJS.Timeout | null = null;
  let timer: NodeJS.Timeout | null = null;
  const isStopped = () => stopped;

  const run = async (): Promise<void> => {
    do {
      again = false;
      const started = performance.now();
      try { await work(isStopped); } catch (err) { opts.onError(err); }
      if (opts.pace) heldUntil = performance.now() + opts.pace(performance.now() - started);
      if (again && !stopped && heldUntil > performance.now()) await new Promise((r) => setTimeout(r, heldUntil - performance.now()));
    } while (again && !stopped);
  };

  function kick(): void {
    if (stopped) return;
    if (running) { again = true; return; }
    const wait = heldUntil - performance.now();
    if (wait > 0) {
      held ??= setTimeout(() => { held = null; kick(); }, wait);
      return;
    }
    running = true;
    idle = run().finally(() => { running = false; });
  }

  const unsubscribe = opts.bus.subscribe(opts.topic, kick);
  const sweep = setInterval(kick, opts.sweepMs);
  queueMicrotask(kick); // first run right after the caller holds the runner

  return {
    kick,
    at(due) {
      if (timer) { clearTimeout(timer); timer = null; }
      if (due === null || stopped) return;
      timer = setTimeout(kick, Math.min(2 ** 31 - 1, Math.max(0, due - opts.clock()) + 5));
    },
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(sweep);
      if (timer) clearTimeout(timer);
      if (held) clearTimeout(held);
      await idle;
    },
  };
}
