import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
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

  it('an instance taking a row over from another sees that instance\'s note; the file is the owner\'s only', () => {
    const dir = fresh();
    const a = openSentJournal(dir, 'email-server-a');
    a.record(journalKey({ id: 7, created_at: 1764500000000 }));
    expect(openSentJournal(dir, 'email-server-b').has('7@1764500000000', 'email-server-a')).toBe(true);
    expect(openSentJournal(dir, 'email-server-b').has('8@1764500000000', 'email-server-a')).toBe(false);
    expect(statSync(join(dir, 'email-server-a.log')).mode & 0o077).toBe(0);
  });

  it('a row not taken over from another instance is looked up in this instance\'s notes only', () => {
    const dir = fresh();
    openSentJournal(dir, 'email-server-a').record('7@100');
    const b = openSentJournal(dir, 'email-server-b');
    expect(b.has('7@100')).toBe(false); // nobody claimed it before
    expect(b.has('7@100', null)).toBe(false);
    expect(b.has('7@100', 'email-server-b')).toBe(false); // our own earlier claim: our notes are in memory
    expect(b.has('7@100', 'email-server-c')).toBe(false); // only the previous claimer's file counts
    // the whole directory is not scanned: an unreadable entry beside ours changes nothing
    mkdirSync(join(dir, 'broken.log'));
    b.record('9@100');
    expect(b.has('9@100')).toBe(true);
  });

  it('empty files of other instances idle for longer than the prune age are deleted at open; others are kept', () => {
    const dir = fresh();
    const now = Date.now();
    const old = (now - 30 * 60_000) / 1000;
    openSentJournal(dir, 'gone-empty').close();
    openSentJournal(dir, 'recent-empty').close();
    const withNote = openSentJournal(dir, 'gone-with-note');
    withNote.record('5@100');
    withNote.close();
    utimesSync(join(dir, 'gone-empty.log'), old, old);
    utimesSync(join(dir, 'gone-with-note.log'), old, old);
    writeFileSync(join(dir, 'me.log'), '');
    utimesSync(join(dir, 'me.log'), old, old);
    const me = openSentJournal(dir, 'me', { now });
    expect(existsSync(join(dir, 'gone-empty.log'))).toBe(false);
    expect(existsSync(join(dir, 'recent-empty.log'))).toBe(true); // may be a live instance between sends
    expect(readFileSync(join(dir, 'gone-with-note.log'), 'latin1')).toBe('5@100\n'); // an open note is never lost
    expect(existsSync(join(dir, 'me.log'))).toBe(true);
    expect(me.has('5@100', 'gone-with-note')).toBe(true);
  });

  it('a live instance whose empty file was pruned writes its next note to a new file the others can read', () => {
    const dir = fresh();
    const a = openSentJournal(dir, 'email-server-a');
    a.record('1@100');
    a.settle('1@100'); // emptied
    unlinkSync(join(dir, 'email-server-a.log')); // as another instance's prune would
    a.record('2@100');
    expect(readFileSync(join(dir, 'email-server-a.log'), 'latin1')).toBe('2@100\n');
    expect(openSentJournal(dir, 'email-server-b').has('2@100', 'email-server-a')).toBe(true);
    a.record('3@100');
    a.settle('2@100');
    a.settle('3@100');
    expect(readFileSync(join(dir, 'email-server-a.log'), 'latin1')).toBe('');
  });
});
