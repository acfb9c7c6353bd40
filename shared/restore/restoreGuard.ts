import type { LatestSuccess } from '../ledger/BackupRecord';

export type GuardVerdict =
  | { readonly allowed: true; readonly lastBackup: LatestSuccess; readonly ageMs: number }
  | {
      readonly allowed: false;
      readonly reason: string;
      readonly lastCompletedAt: string | null;
      readonly ageMinutes: number | null;
    };

/**
 * The service's rule, enforced from our own record: a full restore needs a full backup that
 * completed (by the service's own `endTime`) at most `maxAgeMs` ago.
 */
export function checkRestoreGuard(
  latest: LatestSuccess | undefined,
  now: Date,
  maxAgeMs: number,
): GuardVerdict {
  const limit = minutes(Math.round(maxAgeMs / 60_000));
  if (!latest) {
    return {
      allowed: false,
      reason:
        `No successful full backup of this HSM is recorded; a full restore needs one completed ` +
        `within the last ${limit}. Send "backupFirst": true to take one now, before restoring.`,
      lastCompletedAt: null,
      ageMinutes: null,
    };
  }
  const ageMs = now.getTime() - latest.endTime.getTime();
  if (ageMs <= maxAgeMs) return { allowed: true, lastBackup: latest, ageMs };
  const ageMinutes = Math.floor(ageMs / 60_000);
  return {
    allowed: false,
    reason:
      `The last successful full backup (${latest.folder}) completed at ` +
      `${latest.endTime.toISOString()}, ${describeAge(ageMs)} ago; a full restore needs one ` +
      `completed within the last ${limit}. Send "backupFirst": true to take one now, ` +
      `before restoring.`,
    lastCompletedAt: latest.endTime.toISOString(),
    ageMinutes,
  };
}

function minutes(count: number): string {
  return `${count} minute${count === 1 ? '' : 's'}`;
}

/** An age as an operator reads it: seconds under two minutes (so 74 s is not "1 minute"). */
function describeAge(ageMs: number): string {
  const seconds = Math.floor(ageMs / 1000);
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 7200) return minutes(Math.floor(seconds / 60));
  return `${(seconds / 3600).toFixed(1)} hours`;
}
