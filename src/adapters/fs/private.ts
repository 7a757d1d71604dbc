import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Data at rest is for the owner only: the data directory (SQLite file with raw mail and
 * password hashes, the secret key, the outbox of .eml files) is 0700 and its files 0600,
 * whatever the umask of the process that created them.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The process umask for everything the server creates: owner only (set once at start). */
export const PRIVATE_UMASK = 0o077;

/** Creates the directory (and parents) owner-only; tightens an existing one that is open to others. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates the file empty when missing, then makes it owner-only. */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Makes the files that exist owner-only (e.g. SQLite's -wal and -shm beside the database). */
export function tightenFiles(files: string[]): void {
  for (const file of files) {
    try {
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, PRIVATE_FILE_MODE);
    } catch { /* not there (yet) */ }
  }
}
