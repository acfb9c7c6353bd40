/**
 * NCRONTAB schedules as timer triggers use them: six fields (second minute hour day month
 * day-of-week) or five (minute-first, second 0). Each field takes `*`, numbers, names, lists,
 * ranges and steps. Like NCrontab (and unlike Vixie cron) day and day-of-week must both match.
 * Times are UTC, as on a Functions host without `WEBSITE_TIME_ZONE`.
 *
 * Deliberately not the app's own parser (shared/schedule): the host stands in for the Functions
 * host, which reads schedules with its own code; two independent readings check each other, and
 * a shared mistake could not be seen by any test.
 */

export interface CronSchedule {
  expression: string;
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
}

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: string[];
}

const fields: FieldSpec[] = [
  { label: 'second', min: 0, max: 59 },
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day', min: 1, max: 31 },
  {
    label: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  {
    label: 'day-of-week',
    min: 0,
    max: 6,
    names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  },
];

export function parseNcrontab(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length === 5) parts.unshift('0');
  if (parts.length !== 6) {
    throw new Error(
      `Invalid schedule "${expression}": expected 6 fields (second minute hour day month ` +
        `day-of-week) or 5 (minute-first), got ${parts.length}.`,
    );
  }
  const sets = parts.map((part, index) => parseField(part, fields[index], expression));
  return {
    expression,
    seconds: sets[0],
    minutes: sets[1],
    hours: sets[2],
    days: sets[3],
    months: sets[4],
    daysOfWeek: sets[5],
  };
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  const fail = (why: string): never => {
    throw new Error(`Invalid ${spec.label} field "${text}" in schedule "${expression}": ${why}.`);
  };
  for (const item of text.split(',')) {
    const [rangeText, stepText, extra] = item.split('/');
    if (extra !== undefined) fail('more than one "/"');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) fail(`step "${stepText}" is not a positive integer`);
    let from: number;
    let to: number;
    if (rangeText === '*') {
      [from, to] = [spec.min, spec.max];
    } else {
      const [startText, endText] = rangeText.split('-');
      from = valueOf(startText, spec, fail);
      to =
        endText === undefined
          ? stepText === undefined
            ? from
            : spec.max
          : valueOf(endText, spec, fail);
    }
    if (from > to) fail(`range ${from}-${to} runs backwards`);
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

function valueOf(text: string, spec: FieldSpec, fail: (why: string) => never): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? spec.min + named : Number(text);
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    fail(`"${text}" is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

/** The first occurrence strictly after `afterMs` (whole seconds, UTC). */
export function nextOccurrence(schedule: CronSchedule, afterMs: number): number {
  const t = new Date(Math.floor(afterMs / 1000) * 1000 + 1000);
  // Jump field by field; four years of days covers every satisfiable schedule (29 February).
  for (let guard = 0; guard < 200_000; guard++) {
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!schedule.days.has(t.getUTCDate()) || !schedule.daysOfWeek.has(t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!schedule.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!schedule.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else if (!schedule.seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1, 0);
    } else {
      return t.getTime();
    }
  }
  throw new Error(`Schedule "${schedule.expression}" never occurs.`);
}
