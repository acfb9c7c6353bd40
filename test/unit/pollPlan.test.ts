import { nextPollTime } from '../../shared/backup/pollPlan';

const timing = { firstIntervalMs: 10_000, maxIntervalMs: 60_000, deadlineMs: 300_000 };
const start = new Date('2026-12-04T02:00:00Z');
const plus = (ms: number) => new Date(start.getTime() + ms);

describe('poll planning', () => {
  it('doubles the interval up to the maximum', () => {
    const gaps = [0, 1, 2, 3, 4].map(
      (n) => nextPollTime(start, start, n, timing)!.getTime() - start.getTime(),
    );
    expect(gaps).toEqual([10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it('never polls sooner than Retry-After asks', () => {
    expect(nextPollTime(start, start, 0, timing, 45)).toEqual(plus(45_000));
    expect(nextPollTime(start, start, 3, timing, 5)).toEqual(plus(60_000));
  });

  it('places the last poll at the deadline and stops there', () => {
    expect(nextPollTime(plus(290_000), start, 5, timing)).toEqual(plus(300_000));
    expect(nextPollTime(plus(300_000), start, 6, timing)).toBeUndefined();
  });
});
