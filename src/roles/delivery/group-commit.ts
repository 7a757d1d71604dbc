/**
 * Group commit of outcomes: the items added while a commit is in flight, or within `lingerMs` of
 * the first one queued, are committed together by one call of `commit`, in the order added. At
 * most one commit is in flight. A failed commit keeps its items and is tried again (`retries`
 * times, `retryDelayMs` apart); `ready()` lets a producer wait while it fails. `after` runs once
 * per successful commit with what it returned (never retried: the commit is done). Once a commit
 * gives up, or `after` throws, `add`, `ready` and `drain` throw that error and the committer
 * commits nothing more (make a new one); the items it still held are simply not committed.
 */
export interface GroupCommitter<T> {
  /** Queues an item for the next group. */
  add(item: T): void;
  /** At once, unless a commit is failing: then when it has succeeded. Throws if it gave up. */
  ready(): Promise<void>;
  /** Commits what is queued without lingering; resolves when everything added so far is committed. */
  drain(): Promise<void>;
}

export interface GroupCommitOptions<T, R> {
  /** How long the first queued item waits for company before its group is committed. */
  lingerMs: number;
  retries: number;
  retryDelayMs: number;
  onRetry?: (err: unknown, size: number) => void;
  /** After a group's commit, with the commit's result (e.g. events to publish now that they are committed). */
  after?: (items: T[], result: R) => Promise<void>;
}

export function groupCommitter<T, R = void>(commit: (items: T[]) => Promise<R>, opts: GroupCommitOptions<T, R>): GroupCommitter<T> {
  let queued: T[] = [];
  let firstAt = 0;
  let pump: Promise<void> | null = null;
  let urgent = false;
  let wake: (() => void) | null = null;
  let failing: { promise: Promise<void>; resolve: () => void } | null = null;
  let gaveUp: { err: unknown } | null = null;

  const linger = (ms: number) => new Promise<void>((resolve) => {
    const done = () => { clearTimeout(t); wake = null; resolve(); };
    const t = setTimeout(done, ms);
    wake = done;
  });
  const endFailing = () => { failing?.resolve(); failing = null; };

  const loop = async (): Promise<void> => {
    while (queued.length > 0) {
      const wait = firstAt + opts.lingerMs - Date.now();
      if (!urgent && wait > 0) await linger(wait);
      const group = queued;
      queued = [];
      let result: R;
      for (let i = 0; ; i++) {
        try { result = await commit(group); break; } catch (err) {
          if (i >= opts.retries) { gaveUp = { err }; endFailing(); return; }
          if (!failing) { let resolve!: () => void; const promise = new Promise<void>((r) => { resolve = r; }); failing = { promise, resolve }; }
          opts.onRetry?.(err, group.length);
          await new Promise((r) => setTimeout(r, opts.retryDelayMs));
        }
      }
      endFailing();
      try { await opts.after?.(group, result); } catch (err) { gaveUp = { err }; return; }
    }
  };
  const start = () => {
    if (!pump && !gaveUp && queued.length > 0) pump = loop().finally(() => { pump = null; start(); });
  };

  return {
    add(item) {
      if (gaveUp) throw gaveUp.err;
      if (queued.length === 0) firstAt = Date.now();
      queued.push(item);
      start();
    },
    async ready() {
      if (failing) await failing.promise;
      if (gaveUp) throw gaveUp.err;
    },
    async drain() {
      urgent = true;
      try {
        for (;;) {
          if (gaveUp) throw gaveUp.err;
          if (!pump) {
            if (queued.length === 0) return;
            start();
          }
          wake?.();
          await pump;
        }
      } finally { urgent = false; }
    },
  };
}
