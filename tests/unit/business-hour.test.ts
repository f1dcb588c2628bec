import { BUSINESS_TZ, businessHourKey, dayjs } from '../../shared/calendar';

/** The store's hourly counters are keyed by the Shanghai hour, now by arithmetic: it must agree with the timezone database. */
describe('businessHourKey', () => {
  const byDayjs = (ms: number) => dayjs(ms).tz(BUSINESS_TZ).format('YYYYMMDDHH');

  it('agrees with dayjs over random instants from 1900 to 2100, and around the end of Shanghai DST in 1991', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 5_000; i += 1) {
      const ms = Math.floor(from + random() * (to - from));
      expect(businessHourKey(ms)).toBe(byDayjs(ms));
    }
    const lastDstEnd = Date.UTC(1991, 8, 14, 17, 0, 0);
    for (let m = -180; m <= 180; m += 7) expect(businessHourKey(lastDstEnd + m * 60_000)).toBe(byDayjs(lastDstEnd + m * 60_000));
  });

  it('names the Shanghai hour (UTC+8) of an instant, across the day boundary', () => {
    expect(businessHourKey(new Date('2026-11-23T15:59:59Z'))).toBe('2026112323');
    expect(businessHourKey(new Date('2026-11-23T16:00:00Z'))).toBe('2026112400');
    expect(businessHourKey('2026-12-31T16:30:00Z')).toBe('2027010100');
  });
});
