import { formatDuration } from '../config/duration';
import { dayKey, hourKey, isoWeekKey, monthKey, yearKey } from './calendarBuckets';
import type { RetentionPolicy, RuleCount } from './RetentionPolicy';

export type RuleName = 'last' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly' | 'within';

type CountField =
  'keepLast' | 'keepHourly' | 'keepDaily' | 'keepWeekly' | 'keepMonthly' | 'keepYearly';

/**
 * A rule that keeps the newest backup of each of the N most recent buckets that hold a backup.
 * Walking the backups newest first, the first one met in a bucket is that bucket's newest.
 */
export interface BucketRule {
  readonly kind: 'bucket';
  readonly name: RuleName;
  readonly setting: string;
  readonly field: CountField;
  readonly bucketOf: (backup: { readonly folder: string; readonly time: Date }) => string;
  /** The rule in words, for the policy preview. */
  readonly describe: (count: RuleCount) => string;
  /** Why it keeps a backup: the bucket and its rank among the buckets kept. */
  readonly reason: (bucket: string, rank: number, count: RuleCount) => string;
}

/** A rule that keeps every backup within a time window ending at the newest successful backup. */
export interface WindowRule {
  readonly kind: 'window';
  readonly name: RuleName;
  readonly setting: string;
  readonly field: 'keepWithinMs';
  /** The rule in words; its value is a window in milliseconds. */
  readonly describe: (windowMs: RuleCount) => string;
  readonly reason: (windowMs: number) => string;
}

export type RetentionRule = BucketRule | WindowRule;

function calendarRule(
  name: RuleName,
  field: CountField,
  bucketOf: (time: Date) => string,
  unit: string,
  units: string,
): BucketRule {
  return {
    kind: 'bucket',
    name,
    setting: `RETENTION_KEEP_${name.toUpperCase()}`,
    field,
    bucketOf: (backup) => bucketOf(backup.time),
    describe: (count) =>
      count === 'unlimited'
        ? `keep the newest backup of every ${unit} that has one`
        : count === 1
          ? `keep the newest backup of the most recent ${unit} that has one`
          : `keep the newest backup of each of the ${count} most recent ${units} that have one`,
    reason: (bucket, rank, count) => `${name}: newest of ${bucket} (${rank} of ${count})`,
  };
}

/** The rules, one row each; a new rule is one more row. Reasons are listed in this order. */
export const retentionRules: readonly RetentionRule[] = [
  {
    kind: 'bucket',
    name: 'last',
    setting: 'RETENTION_KEEP_LAST',
    field: 'keepLast',
    // Every backup is its own bucket, so "the N most recent buckets" are the N newest backups.
    bucketOf: (backup) => backup.folder,
    describe: (count) =>
      count === 'unlimited'
        ? 'keep every successful backup'
        : count === 1
          ? 'keep the newest successful backup'
          : `keep the ${count} newest successful backups`,
    reason: (_bucket, _rank, count) =>
      count === 'unlimited' ? 'keep-last unlimited' : `one of the last ${count}`,
  },
  calendarRule('hourly', 'keepHourly', hourKey, 'UTC hour', 'UTC hours'),
  calendarRule('daily', 'keepDaily', dayKey, 'UTC day', 'UTC days'),
  calendarRule(
    'weekly',
    'keepWeekly',
    isoWeekKey,
    'ISO week (Monday to Sunday, UTC)',
    'ISO weeks (Monday to Sunday, UTC)',
  ),
  calendarRule('monthly', 'keepMonthly', monthKey, 'UTC calendar month', 'UTC calendar months'),
  calendarRule('yearly', 'keepYearly', yearKey, 'UTC calendar year', 'UTC calendar years'),
  {
    kind: 'window',
    name: 'within',
    setting: 'RETENTION_KEEP_WITHIN',
    field: 'keepWithinMs',
    describe: (windowMs) =>
      `keep every backup made at most ${formatDuration(Number(windowMs))} before the newest ` +
      `successful backup`,
    reason: (windowMs) => `within ${formatDuration(windowMs)} of the newest successful backup`,
  },
];

/** Whether a rule is on in a policy: a count above 0, `unlimited`, or a window above 0. */
export function isRuleOn(rule: RetentionRule, policy: RetentionPolicy): boolean {
  const value = policy[rule.field];
  return value === 'unlimited' || (typeof value === 'number' && value > 0);
}

/** A policy that keeps nothing: refused as a configuration error, never planned. */
export function isEmptyPolicy(policy: RetentionPolicy): boolean {
  return !retentionRules.some((rule) => isRuleOn(rule, policy));
}

/** Throws a RangeError for a policy no configuration could produce: a bad count, or no rule. */
export function assertValidPolicy(policy: RetentionPolicy): void {
  for (const rule of retentionRules) {
    const value = policy[rule.field];
    if (value === undefined || value === 'unlimited') continue;
    const whole = rule.kind === 'bucket' ? Number.isInteger(value) : Number.isFinite(value);
    if (!whole || value < 0) {
      throw new RangeError(`${rule.field} must be a whole number of at least 0, got ${value}`);
    }
  }
  if (isEmptyPolicy(policy)) {
    throw new RangeError('the retention policy keeps nothing: at least one rule must be on');
  }
}
