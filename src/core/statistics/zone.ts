/**
 * Report intervals in a time zone (IANA name), pure: 15-minute and hour buckets follow the zone's
 * offset at that instant (so a +05:30 zone's hours start at :30 UTC, and the hour repeated when
 * the clocks go back is two buckets); days and months follow the local calendar (a day with a DST
 * change has 23 or 25 hours). Built on Intl only.
 */
export type ReportInterval = '15m' | 'hour' | 'day' | 'month';

const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The IANA name as Intl spells it, or null when it is no time zone. */
export function canonicalTimeZone(name: string): string | null {
  try { return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone; } catch { return null; }
}

interface LocalParts { year: number; month: number; day: number; hour: number; minute: number; second: number }

export function localParts(at: number, timeZone: string): LocalParts {
  if (timeZone === 'UTC') {
    const d = new Date(at);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour! % 24, minute: p.minute!, second: p.second! };
}

/** The zone's offset from UTC at an instant, in ms (local = UTC + offset). */
export function zoneOffset(at: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const t = Math.floor(at / 1000) * 1000;
  const p = localParts(t, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - t;
}

/**
 * The instant of a local wall time (month 1-12; days and months may overflow, as in Date.UTC).
 * A wall time that happens twice (clocks going back) is its first instant; one that never
 * happens (in the spring gap) is the instant the gap ends plus the same distance, as clocks read.
 */
export function localToInstant(timeZone: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = wall - zoneOffset(wall - DAY, timeZone);
  const after = wall - zoneOffset(wall + DAY, timeZone);
  const real = [before, after].filter((t) => t + zoneOffset(t, timeZone) === wall);
  return real.length > 0 ? Math.min(...real) : before;
}

/** Local midnight of a date "YYYY-MM-DD" in the zone. */
export function localMidnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return localToInstant(timeZone, y, m, d);
}

/** The start of the report interval an instant falls in. */
export function zonedBucketStart(at: number, interval: ReportInterval, timeZone: string): number {
  if (interval === '15m' || interval === 'hour') {
    const size = interval === '15m' ? 15 * 60_000 : 3_600_000;
    const local = at + zoneOffset(at, timeZone);
    return at - (((local % size) + size) % size);
  }
  const p = localParts(at, timeZone);
  return localToInstant(timeZone, p.year, p.month, interval === 'day' ? p.day : 1);
}

/** The end of the report interval starting at start. */
export function zonedBucketEnd(start: number, interval: ReportInterval, timeZone: string): number {
  if (interval === '15m') return start + 15 * 60_000;
  if (interval === 'hour') return start + 3_600_000;
  const p = localParts(start, timeZone);
  return interval === 'day' ? localToInstant(timeZone, p.year, p.month, p.day + 1) : localToInstant(timeZone, p.year, p.month + 1, 1);
}

/** ISO 8601 with the zone's offset at that instant ("2026-03-29T03:00:00+02:00"; UTC keeps "Z"). */
export function isoInZone(at: number, timeZone: string): string {
  const off = zoneOffset(at, timeZone);
  if (off === 0) return new Date(at).toISOString();
  const local = new Date(at + off).toISOString().slice(0, 19);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60_000;
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
