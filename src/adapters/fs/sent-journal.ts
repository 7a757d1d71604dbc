import { closeSync, ftruncateSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
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
 * Workers sharing the data directory can read each other's notes (a row whose lease expired).
 */
export interface SentJournal {
  /** The relay took the row's message (call with no await between the 250 and this). */
  record(key: string): void;
  /** The row's outcome is committed: its note is no longer needed. */
  settle(key: string): void;
  /** Whether this or another instance sharing the data directory noted the row as sent. */
  has(key: string): boolean;
  /** This instance's notes not yet settled (left by an earlier life that was killed, or a commit that failed). */
  unsettled(): string[];
  close(): void;
}

/** The journal key of an outbox row: its id and creation time (a reused id in a new database never matches). */
export const journalKey = (row: { id: number | string; created_at: number | string }) => `${row.id}@${row.created_at}`;

const readKeys = (file: string): string[] => {
  try { return readFileSync(file, 'latin1').split('\n').filter(Boolean); } catch { return []; }
};

export function openSentJournal(dir: string, instanceId: string): SentJournal {
  ensurePrivateDir(dir);
  const file = join(dir, `${instanceId.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
  const open = new Set(readKeys(file));
  const fd = openSync(file, 'a', PRIVATE_FILE_MODE);
  return {
    record(key) {
      writeSync(fd, `${key}\n`);
      open.add(key);
    },
    settle(key) {
      if (open.delete(key) && open.size === 0) ftruncateSync(fd, 0);
    },
    has(key) {
      if (open.has(key)) return true;
      for (const name of readdirSync(dir)) if (name.endsWith('.log') && readKeys(join(dir, name)).includes(key)) return true;
      return false;
    },
    unsettled: () => [...open],
    close: () => closeSync(fd),
  };
}
