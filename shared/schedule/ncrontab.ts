/**
 * NCRONTAB expressions as the Azure Functions timer trigger reads them, evaluated in UTC.
 *
 * Six fields are `second minute hour day month day-of-week`; five fields are read minute-first
 * (no seconds field, second 0). Each field takes `*`, numbers, ranges `a-b`, steps `*\/n` and
 * `a-b/n`, and comma lists; months and days of the week also take three-letter English names.
 * Day-of-week runs 0 (Sunday) to 6. As in NCrontab, a day matches only when both the day and the
 * day-of-week fields match it.
 */
export interface CronSchedule {
  readonly expression: string;
  /** Whether the expression had a seconds field. */
  readonly hasSeconds: boolean;
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly days: readonly number[];
  readonly months: readonly number[];
  readonly daysOfWeek: readonly number[];
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const fieldSpecs: readonly FieldSpec[] = [
  { label: 'second', min: 0, max: 59 },
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day', min: 1, max: 31 },
  {
    label: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  {
    label: 'day-of-week',
    min: 0,
    max: 6,
    names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
  },
];

export class CronSyntaxError extends Error {
  override name = 'CronSyntaxError';
}

export function parseNcrontab(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (/^\d{1,2}:\d{2}(:\d{2})?$/.test(expression.trim())) {
    throw new CronSyntaxError(
      'a TimeSpan schedule (hh:mm:ss) only works on dedicated plans; write it as NCRONTAB',
    );
  }
  if (parts.length !== 5 && parts.length !== 6) {
    throw new CronSyntaxError(
      `expected 6 fields (second minute hour day month day-of-week) or 5 (minute first), ` +
        `found ${parts.length}`,
    );
  }
  const fields = parts.length === 6 ? parts : ['0', ...parts];
  const [seconds, minutes, hours, days, months, daysOfWeek] = fields.map((field, index) =>
    parseField(field, fieldSpecs[index]),
  );
  return {
    expression: expression.trim(),
    hasSeconds: parts.length === 6,
    seconds,
    minutes,
    hours,
    days,
    months,
    daysOfWeek,
  };
}

function parseField(text: string, spec: FieldSpec): number[] {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!match) throw new CronSyntaxError(`${spec.label} field "${text}" is not valid`);
    const [, range, stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new CronSyntaxError(`${spec.label} step must be at least 1`);
    let low: number;
    let high: number;
    if (range === '*') {
      [low, high] = [spec.min, spec.max];
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [low, high] = [parseValue(a, spec), parseValue(b, spec)];
      if (low > high) throw new CronSyntaxError(`${spec.label} range "${range}" runs backwards`);
    } else {
      low = parseValue(range, spec);
      high = stepText === undefined ? low : spec.max;
    }
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

function parseValue(text: string, spec: FieldSpec): number {
  const nameIndex = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  const value = nameIndex >= 0 ? nameIndex + spec.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new CronSyntaxError(
      `${spec.label} value "${text}" is outside ${spec.min}-${spec.max}` +
        (spec.names ? ' (or a three-letter name)' : ''),
    );
  }
  return value;
}

const searchDays = 366 * 5;

/** The first occurrence strictly after `after`, or undefined if none falls within five years. */
export function nextOccurrence(schedule: CronSchedule, after: Date): Date | undefined {
  const start = Math.floor(after.getTime() / 1000) * 1000 + 1000;
  const startDay = Date.UTC(
    new Date(start).getUTCFullYear(),
    new Date(start).getUTCMonth(),
    new Date(start).getUTCDate(),
  );
  for (let dayIndex = 0; dayIndex <= searchDays; dayIndex++) {
    const day = new Date(startDay + dayIndex * 86_400_000);
    if (!matchesDay(schedule, day)) continue;
    for (const hour of schedule.hours) {
      for (const minute of schedule.minutes) {
        for (const second of schedule.seconds) {
          const candidate = day.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
          if (candidate >= start) return new Date(candidate);
        }
      }
    }
  }
  return undefined;
}

/** The latest occurrence at or before `at`, or undefined if none falls within five years. */
export function latestOccurrenceAtOrBefore(schedule: CronSchedule, at: Date): Date | undefined {
  const end = Math.floor(at.getTime() / 1000) * 1000;
  const endDay = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  for (let dayIndex = 0; dayIndex <= searchDays; dayIndex++) {
    const day = new Date(endDay - dayIndex * 86_400_000);
    if (!matchesDay(schedule, day)) continue;
    for (const hour of [...schedule.hours].reverse()) {
      for (const minute of [...schedule.minutes].reverse()) {
        for (const second of [...schedule.seconds].reverse()) {
          const candidate = day.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
          if (candidate <= end) return new Date(candidate);
        }
      }
    }
  }
  return undefined;
}

export function nextOccurrences(schedule: CronSchedule, after: Date, count: number): Date[] {
  const found: Date[] = [];
  let cursor = after;
  while (found.length < count) {
    const next = nextOccurrence(schedule, cursor);
    if (!next) break;
    found.push(next);
    cursor = next;
  }
  return found;
}

function matchesDay(schedule: CronSchedule, day: Date): boolean {
  return (
    schedule.months.includes(day.getUTCMonth() + 1) &&
    schedule.days.includes(day.getUTCDate()) &&
    schedule.daysOfWeek.includes(day.getUTCDay())
  );
}

/** How the expression was read, in words, for the start-up log. */
export function describeSchedule(schedule: CronSchedule): string {
  const fields = schedule.hasSeconds ? 'six fields, seconds first' : 'five fields, minute first';
  return `"${schedule.expression}" read as ${fields}, UTC`;
}
