import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalKey, openSentJournal } from '../../src/adapters/fs/sent-journal.js';

/** The sent journal survives its process: what a reopened journal (a restart after a kill) still knows. */
describe('sent journal', () => {
  const dirs: string[] = [];
  const fresh = () => { const d = join(mkdtempSync(join(tmpdir(), 'sent-journal-')), 'j'); dirs.push(d); return d; };
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(join(d, '..'), { recursive: true, force: true }); });

  it('a note still open when the process dies is there after the restart; a settled one is not needed', () => {
    const dir = fresh();
    const first = openSentJournal(dir, 'email-server-a');
    first.record('1@100');
    first.record('2@100');
    first.settle('1@100'); // committed; 2 is still between its 250 and its commit when the process dies
    const restarted = openSentJournal(dir, 'email-server-a');
    expect(restarted.unsettled()).toContain('2@100');
    expect(restarted.has('2@100')).toBe(true);
    for (const key of restarted.unsettled()) restarted.settle(key);
    expect(openSentJournal(dir, 'email-server-a').unsettled()).toEqual([]);
  });

  it('another instance sharing the data directory sees the note; the file is the owner\'s only', () => {
    const dir = fresh();
    const a = openSentJournal(dir, 'email-server-a');
    a.record(journalKey({ id: 7, created_at: 1764500000000 }));
    expect(openSentJournal(dir, 'email-server-b').has('7@1764500000000')).toBe(true);
    expect(openSentJournal(dir, 'email-server-b').has('8@1764500000000')).toBe(false);
    expect(statSync(join(dir, 'email-server-a.log')).mode & 0o077).toBe(0);
  });
});
