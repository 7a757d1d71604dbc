import { describe, expect, it } from 'vitest';
import { groupCommitter } from '../../src/roles/delivery/group-commit.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** The delivery worker's group commit of sent outcomes. */
describe('group commit', () => {
  it('items queued while a commit is in flight go together in the next one, in order', async () => {
    const groups: number[][] = [];
    let release: (() => void) | null = null;
    const c = groupCommitter(async (items: number[]) => {
      groups.push([...items]);
      if (groups.length === 1) await new Promise<void>((r) => { release = r; });
    }, { lingerMs: 0, retries: 0, retryDelayMs: 0 });
    c.add(1);
    await tick(5);
    expect(groups).toEqual([[1]]);
    c.add(2); c.add(3); c.add(4);
    await tick(5);
    expect(groups).toEqual([[1]]); // one commit in flight at most
    release!();
    await c.drain();
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('lingers for company; drain commits at once', async () => {
    const groups: number[][] = [];
    const c = groupCommitter(async (items: number[]) => { groups.push([...items]); }, { lingerMs: 60_000, retries: 0, retryDelayMs: 0 });
    c.add(1); c.add(2);
    await tick(10);
    expect(groups).toEqual([]);
    await c.drain();
    expect(groups).toEqual([[1, 2]]);
  });

  it('a failed commit keeps its items and is tried again; ready waits meanwhile; after() runs once with the result', async () => {
    const tries: number[][] = [];
    const after: string[] = [];
    let fail = 2;
    const c = groupCommitter(async (items: number[]) => {
      tries.push([...items]);
      if (fail-- > 0) throw new Error('database away');
      return `ok ${items.join(',')}`;
    }, { lingerMs: 0, retries: 5, retryDelayMs: 20, after: async (_items, r) => { after.push(r); } });
    c.add(1);
    await tick(5);
    let ready = false;
    const waiting = c.ready().then(() => { ready = true; });
    await tick(5);
    expect(ready).toBe(false);
    await waiting;
    await c.drain();
    expect(tries).toEqual([[1], [1], [1]]);
    expect(after).toEqual(['ok 1']);
  });

  it('gives up after its retries: ready, drain and add throw the error; nothing is committed any more', async () => {
    let calls = 0;
    const c = groupCommitter(async () => { calls++; throw new Error('still away'); }, { lingerMs: 0, retries: 1, retryDelayMs: 1 });
    c.add(1);
    await expect(c.drain()).rejects.toThrow('still away');
    await expect(c.ready()).rejects.toThrow('still away');
    expect(() => c.add(2)).toThrow('still away');
    expect(calls).toBe(2);
  });
});
