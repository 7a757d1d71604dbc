import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { startApp, type RunningApp } from '../support/app.js';
import { createMailSender } from '../../src/adapters/smtp-out/sender.js';
import { createSecretBox } from '../../src/adapters/crypto/secrets.js';

/**
 * Data at rest (issue 10): the SQLite file holds raw mail and password hashes, the outbox
 * holds whole messages. A running instance started with a permissive umask (022, as a
 * service manager or a shell would) must leave none of it readable by other users.
 */
const mode = (path: string) => statSync(path).mode & 0o777;

describe('data at rest is for the owner only', () => {
  let tdb: TestDatabase;
  let app: RunningApp;
  let dataDir: string;
  const previousUmask = process.umask(0o022);

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    // An installer created the data directory world-readable.
    dataDir = join(tdb.dataDir, 'var-lib-switchyard');
    mkdirSync(dataDir, { mode: 0o755 });
    app = await startApp({ ...tdb, dataDir });
    const admin = await app.login('admin', 'admin-e2e-password');
    await app.call('POST', '/api/v1/users', admin, { username: 'agent-at-rest', displayName: 'A', password: 'agent-password-1', role: 'agent' });
  });
  afterAll(async () => { process.umask(previousUmask); await app?.process.kill(); await tdb?.drop(); });

  it('the data directory is 0700 and the SQLite file with its WAL and SHM, and the secret key, are 0600', () => {
    expect(mode(dataDir).toString(8)).toBe('700');
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['switchyard.sqlite', 'switchyard.sqlite-wal', 'switchyard.sqlite-shm', 'secret.key']));
    // Directories in it (the sent journal, the outbox) are 0700, and every file in them 0600.
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const path = join(dir, f);
        const dirent = statSync(path).isDirectory();
        expect(`${path} ${mode(path).toString(8)}`).toBe(`${path} ${dirent ? '700' : '600'}`);
        if (dirent) walk(path);
      }
    };
    walk(dataDir);
  });

  it('outbox .eml files are 0600 in a 0700 outbox directory, even under umask 022', async () => {
    const sender = createMailSender(createSecretBox(Buffer.alloc(32, 1)), join(tdb.dataDir, 'outbox-test'));
    const { via } = await sender.send(null, { from: 'support@example.test', to: ['kim@example.org'] }, Buffer.from('Subject: hi\r\n\r\nsecret answer\r\n'), 'answer-1');
    expect(mode(join(tdb.dataDir, 'outbox-test', 'outbox')).toString(8)).toBe('700');
    expect(mode(via).toString(8)).toBe('600');
  });
});
