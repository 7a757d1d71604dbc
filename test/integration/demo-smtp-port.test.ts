import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { DEMO, ensureDemo } from '../../src/app/bootstrap.js';
import { portInUseMessage } from '../../src/app/cli.js';

/** Issue 9, an operator's first hour: the demo's SMTP listener port is configurable like the HTTP port, and a busy one is named. */
for (const dialect of BACKENDS) {
  describe(`the demo SMTP port (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    beforeAll(async () => { tdb = await createTestDatabase(dialect); deps = await makeDeps(tdb); });
    afterAll(async () => { await deps?.close(); await tdb?.drop(); });

    const demoPort = async () => Number((await deps.storage.db.selectFrom('accounts').select('port').where('address', '=', DEMO.account).executeTakeFirstOrThrow()).port);

    it('listens on SWITCHYARD_DEMO_SMTP_PORT, and follows a change of it on the next start', async () => {
      deps.config.demoSmtpPort = 2626;
      await ensureDemo(deps);
      expect(await demoPort()).toBe(2626);
      deps.config.demoSmtpPort = 2727;
      await ensureDemo(deps);
      expect(await demoPort()).toBe(2727);
    });

    it('names the busy demo port and the variable that moves it', () => {
      deps.config.demoSmtpPort = 2727;
      const message = portInUseMessage({ code: 'EADDRINUSE', port: 2727, address: '127.0.0.1' }, deps.config);
      expect(message).toContain('the demo SMTP port 127.0.0.1:2727 is already in use');
      expect(message).toContain('SWITCHYARD_DEMO_SMTP_PORT');
    });
  });
}
