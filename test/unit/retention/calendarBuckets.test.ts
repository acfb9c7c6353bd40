import {
  dayKey,
  hourKey,
  isoWeekKey,
  monthKey,
  yearKey,
} from '../../../shared/retention/calendarBuckets';

describe('calendar buckets', () => {
  it.each([
    ['2026-03-04T13:59:59.990Z', '2026-W10'],
    ['2026-03-02T00:00:00Z', '2026-W10'], // Monday starts the week
    ['2026-03-01T23:59:59Z', '2026-W09'], // Sunday ends the one before
    ['2026-12-31T12:00:00Z', '2026-W53'], // a Thursday: 2026 has 53 ISO weeks
    ['2027-01-01T00:10:00Z', '2026-W53'], // belongs to the year of its week's Thursday
    ['2027-01-03T23:59:59Z', '2026-W53'],
    ['2027-01-04T00:00:00Z', '2027-W01'],
    ['2025-12-29T00:00:00Z', '2026-W01'], // a Monday in December opening the next ISO year
    ['2024-12-30T02:00:00Z', '2025-W01'],
    ['2021-01-03T02:00:00Z', '2020-W53'],
  ])('puts %s in ISO week %s', (time, week) => {
    expect(isoWeekKey(new Date(time))).toBe(week);
  });

  it('names hours, days, months and years in UTC', () => {
    const time = new Date('2026-03-04T23:30:00-02:00'); // 2026-03-05T01:30Z
    expect([hourKey(time), dayKey(time), monthKey(time), yearKey(time)]).toEqual([
      '2026-03-05T01',
      '2026-03-05',
      '2026-03',
      '2026',
    ]);
  });
});
