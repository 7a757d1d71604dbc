/**
 * Failed sign-ins per username: after `max` failures within `windowMs`, further attempts
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
