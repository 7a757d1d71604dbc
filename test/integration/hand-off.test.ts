import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newContactRecord } from '../../src/roles/acd/snapshot.js';
import { handOff } from '../../src/roles/email-server/hand-off.js';
import type { Contact } from '../../src/core/acd/types.js';
import { makeDeps } from '../support/deps.js';
import { waitFor } from '../support/mailstack.js';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';

/*
 * An email server without the queue engine's leader in its process hands its new contacts over
 * the bus (PostgreSQL NOTIFY): several records to an announcement, each record whole, none lost;
 * a record too large for an announcement goes as its id.
 */
describe('hand-off over the bus (postgres)', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  beforeEach(async () => { tdb = await createTestDatabase('postgres'); deps = await makeDeps(tdb); });
  afterEach(async () => { await deps.close(); await tdb.drop(); });

  it('announces a batch in few NOTIFYs with every record, and an oversized one by id', async () => {
    const heard: unknown[] = [];
    deps.bus.subscribe('acd-handoff', (p) => heard.push(p));
    const contacts: Contact[] = Array.from({ length: 30 }, (_, i) => newContactRecord({
      id: `c-${i}`, entranceId: 'e1', queueId: 'q1', priority: 0, queuedAt: 1000 + i, previousAgentId: null,
      contactData: { categories: ['billing', 'delivery'], orderNo: [String(100000 + i)], emailHdrSubject: `question ${i}`, ...(i === 7 ? { big: 'x'.repeat(7000) } : {}) },
    }));
    await handOff(deps, contacts);
    const ids = () => heard.flatMap((p) => {
      const h = p as { contact?: Contact; contacts?: Contact[]; contactId?: string };
      return h.contacts ? h.contacts.map((c) => c.id) : h.contact ? [h.contact.id] : h.contactId ? [h.contactId] : [];
    });
    await waitFor(async () => ids().length === 30, 10_000, 'all hand-offs heard');
    expect(ids().sort()).toEqual(contacts.map((c) => c.id).sort());
    expect(heard.length).toBeLessThan(15);
    expect(heard).toContainEqual({ contactId: 'c-7' });
    const records = heard.flatMap((p) => (p as { contacts?: Contact[] }).contacts ?? []);
    expect(records.find((c) => c.id === 'c-3')).toEqual(contacts[3]);
  });
});
