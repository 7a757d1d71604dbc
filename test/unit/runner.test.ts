import { describe, expect, it } from 'vitest';
import { startRunner } from '../../src/roles/runner.js';
import { createLocalBus } from '../../src/storage/bus.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('startRunner', () => {
  it('runs once at start, then once more for any number of kicks during a run, never two runs at once', async () => {
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    let release: () => void = () => undefined;
    const runner = startRunner(async () => {
      runs++; concurrent++; maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise<void>((r) => { release = r; });
      concurrent--;
    }, { bus: createLocalBus(), topic: 'inbound', sweepMs: 60_000, clock: Date.now, onError: () => undefined });
    await tick();
    expect(runs).toBe(1);
    for (let i = 0; i < 10; i++) runner.kick();
    release(); await tick();
    expect(runs).toBe(2);
    release(); await tick();
    expect(runs).toBe(2);
    expect(maxConcurrent).toBe(1);
    await runner.stop();
  });

  it('wakes on its bus topic and on the time asked for with at()', async () => {
    const bus = createLocalBus();
    let runs = 0;
    const runner = startRunner(async () => { runs++; }, { bus, topic: 'outbox', sweepMs: 60_000, clock: Date.now, onError: () => undefined });
    await tick(5);
    await bus.publish('inbound');
    await tick(5);
    expect(runs).toBe(1);
    await bus.publish('outbox');
    await tick(5);
    expect(runs).toBe(2);
    runner.at(Date.now() + 20);
    await tick(60);
    expect(runs).toBe(3);
    await runner.stop();
  });

  it('a failing run is reported and the next kick runs again', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const runner = startRunner(async () => { runs++; throw new Error('boom'); }, { bus: createLocalBus(), topic: 'acd', sweepMs: 60_000, clock: Date.now, onError: (e) => errors.push(e) });
    await tick(5);
    runner.kick();
    await tick(5);
    expect(runs).toBe(2);
    expect(errors).toHaveLength(2);
    await runner.stop();
  });

  it('pace holds the next run after one; after stop nothing runs', async () => {
    let runs = 0;
    const runner = startRunner(async () => { runs++; }, { bus: createLocalBus(), topic: 'acd', sweepMs: 60_000, clock: Date.now, onError: () => undefined, pace: () => 300 });
    await tick(5);
    expect(runs).toBe(1);
    runner.kick(); // within 300 ms of the first run: held, not dropped
    await tick(5);
    expect(runs).toBe(1);
    for (let i = 0; i < 200 && runs < 2; i++) await tick(10);
    expect(runs).toBe(2);
    await runner.stop();
    runner.kick();
    await tick(400);
    expect(runs).toBe(2);
  });
});
