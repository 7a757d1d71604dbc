import { closeSync, fstatSync, ftruncateSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './private.js';

/**
 * The sent journal: the outbox's note that a relay answered 250 for a row, written before the
 * database commit that marks the row sent. SMTP gives no way to ask a relay whether it already
 * took a message (RFC 1047), so a process killed between the 250 and that commit would send the
 * message again after its restart. The note closes most of that window: it is one write(2),
 * made synchronously when the 250 arrives, with no lock or database in between, and it survives
 * the process being killed (the kernel keeps it; a power loss may not — no fsync, by choice).
 * What stays open is the moment between the relay sending its 250 and this process reading it.
 *
 * One file per instance id under the data directory, append-only while notes are open: it is
 * emptied when every note in it is settled (the row's outcome committed), never rewritten with a
 * note still open, so a kill at any point keeps every open note. A settled note still in the file
 * is harmless: its row is committed sent and never taken again.
 *
 * Where a note can be: only in the file of the instance that last claimed the row (the outbox
 * row's claimed_by, which a claim hands back as the previous claimer and a released claim keeps).
 * A note is written by the row's claimer; an instance that takes a row over and finds the
 * previous claimer's note records it in its own file before committing (`record`), so the note
 * follows the claim. So a lookup reads this instance's notes (in memory) and, only for a row taken
 * over from another instance, that one instance's file: never the whole directory.
 *
 * Pruning: every restart under a default instance id (pid + random) starts a new file, so opening
 * the journal deletes other instances' files that are EMPTY and not written for `pruneAfterMs`
 * (default 20 minutes, 10 × the outbox's 2-minute claim lease). An empty file holds no open note,
 * so deleting it loses nothing that exists. The danger is a live instance whose file it was: it
 * appends through its open fd, and notes written to an unlinked file would be invisible to the
 * others. Hence: only files idle that long are pruned (an instance that sent anything since
 * truncated or wrote it, which moves its mtime), and every `record` checks that its own file is
 * still linked (fstat's nlink) before and after its write, re-creating the file and writing the
 * open notes again when it was removed. A file that is not empty is never pruned.
 */
export interface SentJournal {
  /** The relay took the row's message (call with no await between the 250 and this); also: a note taken over from another instance. */
  record(key: string): void;
  /** The row's outcome is committed: its note is no longer needed. */
  settle(key: string): void;
  /**
   * Whether the row is noted as sent: in this instance's notes, or, when the row was taken over
   * from another instance (`previousClaimer`, the row's claimed_by before this claim), in that
   * instance's file. Only that one file is read, and only then.
   */
  has(key: string, previousClaimer?: string | null): boolean;
  /** This instance's notes not yet settled (left by an earlier life that was killed, or a commit that failed). */
  unsettled(): string[];
  close(): void;
}

/** The journal key of an outbox row: its id and creation time (a reused id in a new database never matches). */
export const journalKey = (row: { id: number | string; created_at: number | string }) => `${row.id}@${row.created_at}`;

/** The default age after which an empty journal file of another instance is deleted: 10 × the claim lease. */
export const PRUNE_EMPTY_AFTER_MS = 10 * 2 * 60_000;

const fileName = (instanceId: string) => `${instanceId.replace(/[^A-Za-z0-9._-]/g, '_')}.log`;

const readKeys = (file: string): string[] => {
  try { return readFileSync(file, 'latin1').split('\n').filter(Boolean); } catch { return []; }
};

/** Deletes other instances' journal files that are empty and idle for longer than `olderThanMs`; returns their names. */
function pruneIdleEmpty(dir: string, own: string, olderThanMs: number, now: number): string[] {
  const pruned: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.log') || name === own) continue;
    try {
      const st = statSync(join(dir, name));
      if (st.isFile() && st.size === 0 && now - st.mtimeMs > olderThanMs) { unlinkSync(join(dir, name)); pruned.push(name); }
    } catch { /* gone already (another instance pruned it) */ }
  }
  return pruned;
}

export function openSentJournal(dir: string, instanceId: string, opts: { pruneAfterMs?: number; now?: number } = {}): SentJournal {
  ensurePrivateDir(dir);
  const own = fileName(instanceId);
  const file = join(dir, own);
  pruneIdleEmpty(dir, own, opts.pruneAfterMs ?? PRUNE_EMPTY_AFTER_MS, opts.now ?? Date.now());
  const open = new Set(readKeys(file));
  let fd = openSync(file, 'a', PRIVATE_FILE_MODE);
  /** Our file was deleted under us (pruned while idle): a new one at the path, with every open note. */
  const relinkIfGone = (): boolean => {
    if (fstatSync(fd).nlink > 0) return false;
    closeSync(fd);
    fd = openSync(file, 'a', PRIVATE_FILE_MODE);
    if (open.size) writeSync(fd, [...open].map((k) => `${k}\n`).join(''));
    return true;
  };
  return {
    record(key) {
      if (open.has(key)) return;
      relinkIfGone();
      open.add(key);
      writeSync(fd, `${key}\n`);
      relinkIfGone(); // removed between the check and the write: the new file gets the note too
    },
    settle(key) {
      if (open.delete(key) && open.size === 0) ftruncateSync(fd, 0);
    },
    has(key, previousClaimer) {
      if (open.has(key)) return true;
      if (!previousClaimer || fileName(previousClaimer) === own) return false;
      return readKeys(join(dir, fileName(previousClaimer))).includes(key);
    },
    unsettled: () => [...open],
    close: () => closeSync(fd),
  };
}
