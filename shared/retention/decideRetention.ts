import { formatDuration } from '../config/duration';
import type { ProtectedFolder, RetentionPolicy } from './RetentionPolicy';
import { assertValidPolicy, isRuleOn, retentionRules, type RuleName } from './retentionRules';

/**
 * Which successful backups to keep and which to remove: a pure function of the backups, the
 * policy and the floors, with no clock and no I/O, so it can be tested as a table and previewed.
 */
export interface RetentionCandidate {
  readonly attemptId: string;
  readonly folder: string;
  /** The backup's time: the one in its folder name (when the service received the request). */
  readonly time: Date;
}

export interface KeptBackup {
  readonly backup: RetentionCandidate;
  /** Every floor and rule that keeps it, in words, floors first. Never empty. */
  readonly reasons: readonly string[];
  /** The rules (not floors) that keep it, in the order of the rule table. */
  readonly rules: readonly RuleName[];
}

export interface RemovedBackup {
  readonly backup: RetentionCandidate;
  readonly reason: string;
}

export interface RetentionDecision {
  /** Newest first. */
  readonly keep: readonly KeptBackup[];
  /** Newest first: the same backups as `removed`, without the reasons. */
  readonly remove: readonly RetentionCandidate[];
  readonly removed: readonly RemovedBackup[];
}

export interface RetentionOptions {
  /** Folders never removed, with the reason shown for them (e.g. a restore's safety backup). */
  readonly protectedFolders?: readonly ProtectedFolder[];
  /** Hard cap: remove backups more than this much older than the newest, floors excepted. */
  readonly maxAgeMs?: number;
}

export const newestReason = 'newest successful backup';

/**
 * Applies every rule of the policy to the successful backups (each rule on its own, so a backup
 * may be kept by several), then the age cap, then the floors: the newest successful backup and
 * the protected folders are kept whatever the policy or cap says. Windows and ages are measured
 * from the newest backup given, never from a clock, so stalled backups never age everything out.
 * Throws a RangeError for an empty or malformed policy.
 */
export function decideRetention(
  successful: readonly RetentionCandidate[],
  policy: RetentionPolicy,
  options: RetentionOptions = {},
): RetentionDecision {
  assertValidPolicy(policy);
  const newestFirst = [...successful].sort(byNewestFirst);
  const reasons = newestFirst.map((): string[] => []);
  const rules = newestFirst.map((): RuleName[] => []);
  const newest = newestFirst[0];

  for (const rule of retentionRules) {
    if (!isRuleOn(rule, policy)) continue;
    const keptBy = (index: number, reason: string): void => {
      reasons[index].push(reason);
      rules[index].push(rule.name);
    };
    if (rule.kind === 'window') {
      const windowMs = policy[rule.field] ?? 0;
      newestFirst.forEach((backup, index) => {
        if (ageOf(backup, newest) <= windowMs) keptBy(index, rule.reason(windowMs));
      });
      continue;
    }
    const count = policy[rule.field] ?? 0;
    let lastBucket: string | undefined;
    let kept = 0;
    for (const [index, backup] of newestFirst.entries()) {
      if (count !== 'unlimited' && kept >= count) break;
      const bucket = rule.bucketOf(backup);
      if (bucket === lastBucket) continue;
      lastBucket = bucket;
      kept += 1;
      keptBy(index, rule.reason(bucket, kept, count));
    }
  }

  const protectedReasons = new Map<string, string[]>();
  for (const { folder, reason } of options.protectedFolders ?? []) {
    protectedReasons.set(folder, [...(protectedReasons.get(folder) ?? []), `protected: ${reason}`]);
  }
  const keep: KeptBackup[] = [];
  const removed: RemovedBackup[] = [];
  newestFirst.forEach((backup, index) => {
    const floors = [
      ...(backup === newest ? [newestReason] : []),
      ...(protectedReasons.get(backup.folder) ?? []),
    ];
    const overAge = options.maxAgeMs !== undefined && ageOf(backup, newest) > options.maxAgeMs;
    if (floors.length > 0) {
      keep.push({ backup, reasons: [...floors, ...reasons[index]], rules: rules[index] });
    } else if (overAge) {
      const overruled =
        reasons[index].length > 0 ? `, although kept by ${rules[index].join(', ')}` : '';
      const cap = formatDuration(options.maxAgeMs ?? 0);
      removed.push({
        backup,
        reason: `more than ${cap} older than the newest successful backup (age cap)${overruled}`,
      });
    } else if (reasons[index].length > 0) {
      keep.push({ backup, reasons: reasons[index], rules: rules[index] });
    } else {
      removed.push({ backup, reason: 'no rule keeps it' });
    }
  });
  return { keep, remove: removed.map((r) => r.backup), removed };
}

function ageOf(backup: RetentionCandidate, newest: RetentionCandidate): number {
  return newest.time.getTime() - backup.time.getTime();
}

/** Newest first by the time in the folder name; equal times: the greater folder name first. */
export function byNewestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  return b.time.getTime() - a.time.getTime() || b.folder.localeCompare(a.folder);
}
