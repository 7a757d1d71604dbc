/** Short durations for the monitor: 45 s, 3:07, 1:02:09. */
export function clock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export const percent = (p: number | null | undefined): string => (p === null || p === undefined ? '–' : `${Math.round(p)} %`);

/** Seconds since an ISO time, or the server's figure aged by the time since it was read. */
export const agedSeconds = (base: number, readAt: string, now: number): number => base + Math.max(0, (now - Date.parse(readAt)) / 1000);

export const STATE_LABEL: Record<string, string> = { ready: 'Ready', paused: 'Paused', wrap_up: 'Wrap-up', logged_out: 'Logged out' };
export const STATE_COLOUR: Record<string, string> = { ready: 'teal', paused: 'yellow', wrap_up: 'blue', logged_out: 'gray' };
