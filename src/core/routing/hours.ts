import type { OpeningHours } from './model.js';

/**
 * Opening hours in the entrance's time zone (Intl, no library). A weekly schedule per ISO
 * weekday plus dated exceptions ("YYYY-MM-DD" → intervals; an empty list = closed all day).
 * Intervals are "HH:MM-HH:MM", end exclusive; "24:00" is allowed as an end.
 */
interface Local { date: string; weekday: number; minute: number }

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' });
    formatters.set(tz, f);
  }
  return f;
}
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function local(tz: string, t: number): Local {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(new Date(t))) parts[p.type] = p.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: WEEKDAYS[parts.weekday] ?? 1, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Parses "HH:MM-HH:MM" into minutes of the day; null when malformed. */
export function parseInterval(s: string): [number, number] | null {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const a = Number(m[1]) * 60 + Number(m[2]);
  const b = Number(m[3]) * 60 + Number(m[4]);
  if (Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[4]) > 59 || b > 24 * 60 || b <= a) return null;
  return [a, b];
}

/** Every problem in an opening-hours definition (empty = valid). */
export function validateHours(h: OpeningHours): string[] {
  const problems: string[] = [];
  try { formatter(h.timeZone); } catch { problems.push(`unknown time zone '${h.timeZone}'`); }
  for (const [day, list] of Object.entries(h.weekly)) {
    if (!/^[1-7]$/.test(day)) problems.push(`weekday '${day}' must be 1 (Monday) to 7 (Sunday)`);
    for (const s of list ?? []) if (!parseInterval(s)) problems.push(`weekly.${day}: '${s}' is not HH:MM-HH:MM with start before end`);
  }
  for (const [date, list] of Object.entries(h.exceptions)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.push(`exception '${date}' must be YYYY-MM-DD`);
    for (const s of list) if (!parseInterval(s)) problems.push(`exceptions.${date}: '${s}' is not HH:MM-HH:MM with start before end`);
  }
  return problems;
}

function intervalsFor(h: OpeningHours, l: Local): [number, number][] {
  const list = h.exceptions[l.date] ?? h.weekly[l.weekday as 1] ?? [];
  return list.map(parseInterval).filter((x): x is [number, number] => x !== null);
}

export function isOpen(h: OpeningHours | null, t: number): boolean {
  if (!h) return true;
  const l = local(h.timeZone, t);
  return intervalsFor(h, l).some(([a, b]) => l.minute >= a && l.minute < b);
}

/**
 * The first moment at or after t when the entrance is open (minute precision), or null if it
 * never opens in the next 400 days. Walks minute boundaries where the schedule can change.
 */
export function nextOpening(h: OpeningHours | null, t: number): number | null {
  if (isOpen(h, t)) return t;
  const hh = h!;
  const start = Math.ceil(t / 60_000) * 60_000;
  // Jump in steps: to the next candidate start of an interval in local time, re-checking each.
  let cursor = start;
  const limit = t + 400 * 86_400_000;
  while (cursor < limit) {
    const l = local(hh.timeZone, cursor);
    if (intervalsFor(hh, l).some(([a, b]) => l.minute >= a && l.minute < b)) return cursor;
    const later = intervalsFor(hh, l).map(([a]) => a).filter((a) => a > l.minute).sort((x, y) => x - y);
    // Next local interval start today, else local midnight (DST shifts are absorbed by re-checking).
    const stepMinutes = later.length ? later[0] - l.minute : 24 * 60 - l.minute;
    cursor += Math.max(1, stepMinutes) * 60_000;
  }
  return null;
}
