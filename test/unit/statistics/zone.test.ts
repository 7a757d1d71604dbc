import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, isoInZone, localMidnight, localToInstant, zonedBucketEnd, zonedBucketStart, zoneOffset } from '../../../src/core/statistics/zone.js';

const B = 'Europe/Berlin';
const t = (iso: string) => Date.parse(iso);

describe('report intervals in a time zone', () => {
  it('knows IANA names and refuses others', () => {
    expect(canonicalTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
  });

  it('offsets change at the DST instants', () => {
    expect(zoneOffset(t('2026-10-25T00:59:59Z'), B)).toBe(2 * 3_600_000);
    expect(zoneOffset(t('2026-10-25T01:00:00Z'), B)).toBe(3_600_000);
    expect(zoneOffset(t('2026-06-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
    expect(zoneOffset(t('2026-06-01T00:00:00Z'), 'America/St_Johns')).toBe(-2.5 * 3_600_000);
  });

  it('local wall times: the repeated hour maps to its first instant, a time in the spring gap to after the gap', () => {
    expect(isoInZone(localToInstant(B, 2026, 10, 25, 2, 30), B)).toBe('2026-10-25T02:30:00+02:00');
    expect(new Date(localToInstant(B, 2026, 3, 29, 2, 30)).toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(localMidnight('2026-10-25', B)).toBe(t('2026-10-24T22:00:00Z'));
  });

  it('days of 23, 24 and 25 hours; months by the calendar', () => {
    const day = (d: string) => { const s = localMidnight(d, B); return (zonedBucketEnd(s, 'day', B) - s) / 3_600_000; };
    expect([day('2026-03-29'), day('2026-06-01'), day('2026-10-25')]).toEqual([23, 24, 25]);
    expect(isoInZone(zonedBucketStart(t('2026-10-31T23:30:00Z'), 'month', B), B)).toBe('2026-11-01T00:00:00+01:00');
    expect(isoInZone(zonedBucketEnd(localMidnight('2026-12-01', B), 'month', B), B)).toBe('2027-01-01T00:00:00+01:00');
  });

  it('hours and quarters follow the offset (half- and quarter-hour zones too)', () => {
    expect(isoInZone(zonedBucketStart(t('2026-06-01T10:10:00Z'), 'hour', 'Asia/Kolkata'), 'Asia/Kolkata')).toBe('2026-06-01T15:00:00+05:30');
    expect(isoInZone(zonedBucketStart(t('2026-06-01T10:10:00Z'), 'hour', 'Asia/Kathmandu'), 'Asia/Kathmandu')).toBe('2026-06-01T15:00:00+05:45');
    expect(isoInZone(zonedBucketStart(t('2026-06-01T10:10:00Z'), '15m', 'Asia/Kathmandu'), 'Asia/Kathmandu')).toBe('2026-06-01T15:45:00+05:45');
    const first = zonedBucketStart(t('2026-10-25T00:40:00Z'), 'hour', B);
    const second = zonedBucketStart(t('2026-10-25T01:40:00Z'), 'hour', B);
    expect([isoInZone(first, B), isoInZone(second, B)]).toEqual(['2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00']);
  });

  it('a zone whose clocks jump at midnight: that day begins at 01:00', () => {
    const z = 'America/Santiago';
    const m = localMidnight('2026-09-06', z);
    expect(isoInZone(m, z)).toBe('2026-09-06T01:00:00-03:00');
    expect((zonedBucketEnd(m, 'day', z) - m) / 3_600_000).toBe(23);
    expect(zonedBucketEnd(localMidnight('2026-09-05', z), 'day', z)).toBe(m);
  });

  it('UTC keeps the Z form', () => {
    expect(isoInZone(t('2026-10-25T01:00:00Z'), 'UTC')).toBe('2026-10-25T01:00:00.000Z');
  });
});
