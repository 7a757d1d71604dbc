import { describe, expect, it } from 'vitest';
import { loginThrottle } from '../../src/core/login-throttle.js';

const MIN = 60_000;
const policy = { max: 5, windowMs: 15 * MIN };

describe('loginThrottle', () => {
  it.each([
    { name: 'no failures', failures: [], now: 0, expected: { allowed: true } },
    { name: 'four recent failures', failures: [1, 2, 3, 4].map((m) => m * MIN), now: 5 * MIN, expected: { allowed: true } },
    { name: 'five recent failures: refused until the oldest of them leaves the window', failures: [1, 2, 3, 4, 5].map((m) => m * MIN), now: 6 * MIN, expected: { allowed: false, retryAfterMs: 10 * MIN } },
    { name: 'six failures: the 5th newest decides', failures: [0, 1, 2, 3, 4, 5].map((m) => m * MIN), now: 6 * MIN, expected: { allowed: false, retryAfterMs: 10 * MIN } },
    { name: 'old failures outside the window do not count', failures: [0, 1, 2, 3].map((m) => m * MIN).concat([20 * MIN]), now: 21 * MIN, expected: { allowed: true } },
    { name: 'exactly at the window edge the failure has left', failures: [0, 1, 2, 3, 4].map((m) => m * MIN), now: 15 * MIN, expected: { allowed: true } },
    { name: 'failures in the future (clock skew) are ignored', failures: [10, 11, 12, 13, 14].map((m) => m * MIN), now: 5 * MIN, expected: { allowed: true } },
  ])('$name', ({ failures, now, expected }) => {
    expect(loginThrottle(failures, now, policy)).toEqual(expected);
  });
});
