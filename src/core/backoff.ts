/**
 * Reconnect back-off: exponential with "equal jitter". Pure and deterministic given `jitter`.
 *
 * attempt 0 is the first retry after a failure. The un-jittered ceiling is
 * min(maxMs, baseMs * 2^attempt); the delay is half that ceiling plus jitter() times the other
 * half, so it never drops below ceiling/2 (no hammering) and never exceeds maxMs.
 */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** A number in [0, 1); values outside are clamped. Defaults to Math.random. */
  jitter?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = Math.max(0, options.baseMs ?? 1000);
  const maxMs = Math.max(0, options.maxMs ?? 5 * 60_000);
  const jitter = options.jitter ?? Math.random;
  const n = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt)) : 0;
  // 2^n overflows to Infinity for large n; Math.min keeps the ceiling finite.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(n, 1024));
  const j = jitter();
  const unit = Number.isFinite(j) ? Math.min(1, Math.max(0, j)) : 0;
  return Math.round(ceiling / 2 + unit * (ceiling / 2));
}
