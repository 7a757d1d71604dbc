/**
 * Failed sign-ins per key: after `max` failures within `windowMs`, further attempts
 * are refused until the oldest of those failures leaves the window. Pure: the caller
 * passes the failure times it has and the current time.
 */
export interface ThrottlePolicy { max: number; windowMs: number }

export const LOGIN_THROTTLE: ThrottlePolicy = { max: 5, windowMs: 15 * 60_000 };

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export function loginThrottle(failures: number[], now: number, policy: ThrottlePolicy = LOGIN_THROTTLE): ThrottleDecision {
  const recent = failures.filter((t) => t > now - policy.windowMs && t <= now).sort((a, b) => b - a);
  if (recent.length < policy.max) return { allowed: true };
  // Allowed again when the max-th newest failure leaves the window.
  return { allowed: false, retryAfterMs: recent[policy.max - 1] + policy.windowMs - now };
}

/**
 * Sign-in guessing is limited per (username, client address) pair, so an attacker elsewhere
 * cannot lock a user out, and per client address over all usernames, so one address cannot
 * spray many usernames. The pair limit is LOGIN_THROTTLE.
 */
export const ADDRESS_THROTTLE: ThrottlePolicy = { max: 30, windowMs: 15 * 60_000 };

/** At most this many sign-ins for one username are checked at once (in one web process); more get 429. */
export const MAX_CONCURRENT_SIGNINS = 2;

export type SignInDecision = { allowed: true } | { allowed: false; retryAfterMs: number; limit: 'username-address' | 'address' };

/** Attempts (failed, or in flight) within the window for this pair and for this address, against both limits. */
export function signInThrottle(pairAttempts: number[], addressAttempts: number[], now: number): SignInDecision {
  const pair = loginThrottle(pairAttempts, now, LOGIN_THROTTLE);
  if (!pair.allowed) return { ...pair, limit: 'username-address' };
  const address = loginThrottle(addressAttempts, now, ADDRESS_THROTTLE);
  if (!address.allowed) return { ...address, limit: 'address' };
  return { allowed: true };
}
