import {
  latestOccurrenceAtOrBefore,
  nextOccurrence,
  nextOccurrences,
  parseNcrontab,
} from '../../shared/schedule/ncrontab';
import { occurrenceOfFiring } from '../../shared/schedule/occurrenceOfFiring';

const at = (iso: string) => new Date(iso);

describe('NCRONTAB schedules', () => {
  it.each([
    ['0 0 2 * * *', '2026-12-04T10:00:00Z', '2026-12-05T02:00:00.000Z'],
    ['0 */5 * * * *', '2026-12-04T10:03:10Z', '2026-12-04T10:05:00.000Z'],
    ['30 15 3 * * Mon', '2026-12-04T00:00:00Z', '2026-12-07T03:15:30.000Z'],
    ['0 0 0 1 Jan *', '2026-12-04T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['0 30 9 * * 1-5', '2026-12-05T12:00:00Z', '2026-12-07T09:30:00.000Z'],
    ['15 2 * * *', '2026-12-04T02:15:00Z', '2026-12-05T02:15:00.000Z'],
    ['*/10 * * * * *', '2026-12-04T00:00:05Z', '2026-12-04T00:00:10.000Z'],
  ])('"%s" after %s is %s', (expression, after, expected) => {
    expect(nextOccurrence(parseNcrontab(expression), at(after))?.toISOString()).toBe(expected);
  });

  it('reads five fields minute-first and six fields seconds-first', () => {
    expect(parseNcrontab('15 2 * * *')).toMatchObject({
      hasSeconds: false,
      seconds: [0],
      minutes: [15],
    });
    expect(parseNcrontab('15 2 * * * *')).toMatchObject({
      hasSeconds: true,
      seconds: [15],
      minutes: [2],
    });
  });

  it('requires both day fields to match, as NCrontab does', () => {
    const friday13 = nextOccurrence(parseNcrontab('0 0 0 13 * Fri'), at('2026-01-01T00:00:00Z'));
    expect(friday13?.toISOString()).toBe('2026-02-13T00:00:00.000Z');
  });

  it('gives the occurrence a firing belongs to', () => {
    const nightly = parseNcrontab('0 0 2 * * *');
    expect(latestOccurrenceAtOrBefore(nightly, at('2026-12-04T02:00:00Z'))?.toISOString()).toBe(
      '2026-12-04T02:00:00.000Z',
    );
    expect(latestOccurrenceAtOrBefore(nightly, at('2026-12-04T05:00:00Z'))?.toISOString()).toBe(
      '2026-12-04T02:00:00.000Z',
    );
  });

  it('lists the next three occurrences in order', () => {
    const times = nextOccurrences(parseNcrontab('0 0 */8 * * *'), at('2026-12-04T01:00:00Z'), 3);
    expect(times.map((t) => t.toISOString())).toEqual([
      '2026-12-04T08:00:00.000Z',
      '2026-12-04T16:00:00.000Z',
      '2026-12-05T00:00:00.000Z',
    ]);
  });

  it('says when a date never comes', () => {
    expect(
      nextOccurrence(parseNcrontab('0 0 0 31 Feb *'), at('2026-01-01T00:00:00Z')),
    ).toBeUndefined();
  });

  it.each([
    '',
    '* * * *',
    '60 * * * * *',
    '* * * * 13 *',
    '* * * * * 7',
    '5-1 * * * * *',
    '*/0 * * * * *',
  ])('refuses "%s"', (expression) => expect(() => parseNcrontab(expression)).toThrow());
});

describe('the occurrence a timer firing belongs to', () => {
  const nightly = parseNcrontab('0 0 2 * * *');
  const everySecond = parseNcrontab('* * * * * *');

  it.each([
    ['on time', nightly, '2026-12-04T02:00:00.000Z', '2026-12-04T02:00:00.000Z'],
    ['late (past due)', nightly, '2026-12-04T07:30:00.000Z', '2026-12-04T02:00:00.000Z'],
    ['a moment early', nightly, '2026-12-04T01:59:59.200Z', '2026-12-04T02:00:00.000Z'],
    ['well before', nightly, '2026-12-04T01:59:50.000Z', '2026-12-03T02:00:00.000Z'],
    [
      'every second, just after one',
      everySecond,
      '2026-12-04T10:00:00.300Z',
      '2026-12-04T10:00:00.000Z',
    ],
    [
      'every second, nearer the next one',
      everySecond,
      '2026-12-04T10:00:00.700Z',
      '2026-12-04T10:00:01.000Z',
    ],
  ])('%s', (_, schedule, firedAt, expected) => {
    expect(occurrenceOfFiring(schedule, at(firedAt), 2000).toISOString()).toBe(expected);
  });
});
