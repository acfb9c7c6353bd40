import type { SettingReader } from '../config/settingReaders';
import {
  defaultRetentionPolicy,
  type RetentionPolicy,
  type RetentionSettings,
  type RuleCount,
} from './RetentionPolicy';
import { isEmptyPolicy, retentionRules } from './retentionRules';

const day = 86_400_000;
const maxCount = 10_000;

/**
 * Reads the RETENTION_* settings. With no RETENTION_KEEP_* setting set, the default policy
 * applies; setting any of them replaces it as a whole, so what an operator writes is all that
 * applies. A policy that keeps nothing is refused, naming every rule setting.
 */
export function readRetentionSettings(read: SettingReader): RetentionSettings {
  const problemsBefore = read.problems.length;
  const written: { -readonly [K in keyof RetentionPolicy]: RetentionPolicy[K] } = {};
  for (const rule of retentionRules) {
    if (read.raw(rule.setting) === undefined) continue;
    if (rule.kind === 'window') {
      written[rule.field] = read.duration(rule.setting, 0, 60_000, 36_500 * day);
    } else {
      written[rule.field] = readCount(read, rule.setting);
    }
  }
  const policySource = Object.keys(written).length > 0 ? 'settings' : 'default';
  const policy = policySource === 'settings' ? written : defaultRetentionPolicy;
  if (read.problems.length === problemsBefore && isEmptyPolicy(policy)) {
    read.fail(
      retentionRules.map((rule) => rule.setting),
      emptyPolicyMessage(retentionRules.flatMap((r) => (r.field in written ? [r.setting] : []))),
    );
  }

  const maxAgeDays =
    read.raw('RETENTION_MAX_AGE_DAYS') === undefined
      ? undefined
      : read.integer('RETENTION_MAX_AGE_DAYS', 0, 1, 36_500);
  return {
    ...policy,
    policySource,
    maxAgeDays,
    maxDeletionsPerRun: read.integer('RETENTION_MAX_DELETIONS_PER_RUN', 10, 0, 1000),
    cleanupGraceMs: read.duration('RETENTION_CLEANUP_GRACE', 7 * day, 3_600_000, 365 * day),
    includeUnrecorded: read.boolean('RETENTION_INCLUDE_UNRECORDED', false),
    dryRun: read.boolean('RETENTION_DRY_RUN', false),
  };
}

function readCount(read: SettingReader, name: string): RuleCount {
  const value = read.raw(name) ?? '';
  if (value.toLowerCase() === 'unlimited') return 'unlimited';
  if (/^\d+$/.test(value) && Number(value) <= maxCount) return Number(value);
  read.fail(
    name,
    `${name} must be a whole number from 0 to ${maxCount} (0 turns the rule off) or ` +
      `"unlimited"; got "${value}".`,
  );
  return 0;
}

/** Names what was written, then every way out: a count from 1, another rule, or the default. */
function emptyPolicyMessage(set: readonly string[]): string {
  const counts = retentionRules.filter((r) => r.kind === 'bucket').map((r) => r.setting);
  const count = `a whole number from 1 to ${maxCount} or "unlimited"`;
  const orDefault =
    'or unset every RETENTION_KEEP_* setting for the default policy (keep-last 7, daily 7, ' +
    'weekly 4, monthly 12).';
  if (set.length === 1) {
    return (
      `${set[0]}=0 turns off the only retention rule that is set, so the policy would keep ` +
      `nothing: ${set[0]} must be ${count}; or set another RETENTION_KEEP_* rule; ${orDefault}`
    );
  }
  return (
    `The retention policy would keep nothing: ${set.join(', ')} are all 0. Set at least one of ` +
    `${counts.join(', ')} to ${count}, or RETENTION_KEEP_WITHIN to a duration such as 14d; ` +
    orDefault
  );
}
