/**
 * Which successful backups to keep and which to prune: a pure function of the backups and the
 * policy, with no clock and no I/O, so it can be tested as a table and previewed safely.
 */
export interface RetentionCandidate {
  readonly attemptId: string;
  readonly folder: string;
  /** The backup's time: the one in its folder name (when the service received the request). */
  readonly time: Date;
}

export interface RetentionPolicy {
  /** How many of the newest successful backups to keep (at least 1). */
  readonly keepLast: number;
}

export interface KeptBackup {
  readonly backup: RetentionCandidate;
  /** Every rule that keeps it, in words. Never empty. */
  readonly reasons: readonly string[];
}

export interface RetentionDecision {
  readonly keep: readonly KeptBackup[];
  readonly remove: readonly RetentionCandidate[];
}

/**
 * Keeps the newest `keepLast` backups and removes the rest. Whatever the policy says, the newest
 * successful backup is kept: it is the one a restore needs.
 */
export function decideRetention(
  successful: readonly RetentionCandidate[],
  policy: RetentionPolicy,
): RetentionDecision {
  if (!Number.isInteger(policy.keepLast) || policy.keepLast < 1) {
    throw new RangeError(`keepLast must be a whole number of at least 1, got ${policy.keepLast}`);
  }
  const newestFirst = [...successful].sort(
    (a, b) => b.time.getTime() - a.time.getTime() || b.folder.localeCompare(a.folder),
  );
  const keep: KeptBackup[] = [];
  const remove: RetentionCandidate[] = [];
  newestFirst.forEach((backup, index) => {
    const reasons: string[] = [];
    if (index === 0) reasons.push('newest successful backup');
    if (index < policy.keepLast) reasons.push(`one of the last ${policy.keepLast}`);
    if (reasons.length > 0) keep.push({ backup, reasons });
    else remove.push(backup);
  });
  return { keep, remove };
}
