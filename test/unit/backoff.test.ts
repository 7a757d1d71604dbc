import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay } from '../../src/core/backoff.js';

describe('backoffDelay', () => {
  it('doubles per attempt with equal jitter, deterministic given jitter', () => {
    const lo = { jitter: () => 0 };
    const hi = { jitter: () => 1 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, lo))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, hi))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(2, { jitter: () => 0.5 })).toBe(3000);
  });

  it('caps at maxMs (default 5 minutes) even for huge attempts', () => {
    expect(backoffDelay(100, { jitter: () => 1 })).toBe(300_000);
    expect(backoffDelay(1e9, { jitter: () => 0 })).toBe(150_000);
    expect(backoffDelay(10, { baseMs: 100, maxMs: 1000, jitter: () => 1 })).toBe(1000);
  });

  it('treats bad input as attempt 0 and clamps bad jitter', () => {
    expect(backoffDelay(-3, { jitter: () => 1 })).toBe(1000);
    expect(backoffDelay(Number.NaN, { jitter: () => 1 })).toBe(1000);
    expect(backoffDelay(0, { jitter: () => 7 })).toBe(1000);
    expect(backoffDelay(0, { jitter: () => Number.NaN })).toBe(500);
  });

  it('is always within [ceiling/2, min(max, ceiling)] and monotone in attempt for fixed jitter', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }),
      (attempt, baseMs, maxMs, j) => {
        const d = backoffDelay(attempt, { baseMs, maxMs, jitter: () => j });
        const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(d).toBeLessThanOrEqual(Math.ceil(ceiling));
        expect(backoffDelay(attempt + 1, { baseMs, maxMs, jitter: () => j })).toBeGreaterThanOrEqual(d);
      },
    ));
  });
});
