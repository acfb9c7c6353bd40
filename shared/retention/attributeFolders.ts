import { formatDuration } from '../config/duration';
import { isDefinitelyFailed, type FolderAtTime, type RetentionRecord } from './RetentionRecord';

/** Whose a folder that no ledger row names is, as far as the ledger can tell. */
export type Attribution =
  | { readonly kind: 'failed'; readonly record: RetentionRecord }
  | { readonly kind: 'uncertain'; readonly record?: RetentionRecord; readonly why: string }
  | { readonly kind: 'unrecorded' };

/** Folder times and job start/end times both come from the service's clock. */
export const jobWindowSlackMs = 60_000;
/** Occurrences and row creation come from the app's clock, folder times from the service's. */
export const attemptWindowSlackMs = 5 * 60_000;

/**
 * Matches folders that no ledger row names to attempts, by the time in the folder name:
 * - a folder is a failed attempt's when it is the only unnamed folder inside the job's run
 *   (service start − 1 min to service end + 1 min) and inside no other failed job's run;
 * - otherwise, a folder inside the span of an attempt whose outcome is not known (from its
 *   occurrence, or its row's creation, − 5 min, to the next attempt's occurrence or the row's
 *   creation + the backup deadline, whichever is later, + 5 min) may be that attempt's: uncertain;
 * - a folder inside a failed job's run that is not clearly its own is uncertain too;
 * - anything else is unrecorded (a manual backup, or a folder of another tool).
 * Uncertain folders are never deleted: when unsure, keep and report.
 */
export function attributeFolders(
  unnamed: readonly FolderAtTime[],
  records: readonly RetentionRecord[],
  backupDeadlineMs: number,
): Map<string, Attribution> {
  const live = records.filter((record) => !record.prunedAt);
  const failed = live.filter(isDefinitelyFailed);
  const unsure = live.filter(
    (record) => record.status !== 'Succeeded' && !isDefinitelyFailed(record),
  );
  const occurrences = records.map((record) => record.occurrence.getTime()).sort((a, b) => a - b);

  const inJobRun = (folder: FolderAtTime, record: RetentionRecord): boolean =>
    folder.time.getTime() >= (record.startTime?.getTime() ?? Infinity) - jobWindowSlackMs &&
    folder.time.getTime() <= (record.endTime?.getTime() ?? -Infinity) + jobWindowSlackMs;
  const inAttemptSpan = (folder: FolderAtTime, record: RetentionRecord): boolean => {
    const occurrence = record.occurrence.getTime();
    const created = record.createdAt.getTime();
    const next = occurrences.find((time) => time > occurrence) ?? Infinity;
    const from = Math.min(occurrence, created) - attemptWindowSlackMs;
    const to = Math.max(next, created + backupDeadlineMs) + attemptWindowSlackMs;
    return folder.time.getTime() >= from && folder.time.getTime() <= to;
  };

  const attributions = new Map<string, Attribution>();
  for (const folder of unnamed) {
    const runs = failed.filter((record) => inJobRun(folder, record));
    if (runs.length === 1 && unnamed.filter((other) => inJobRun(other, runs[0])).length === 1) {
      attributions.set(folder.name, { kind: 'failed', record: runs[0] });
      continue;
    }
    const attempt = unsure.find((record) => inAttemptSpan(folder, record));
    if (attempt) {
      attributions.set(folder.name, {
        kind: 'uncertain',
        record: attempt,
        why:
          `made during attempt ${attempt.attemptId} (${describeOutcome(attempt)}), so it may be ` +
          `that attempt's backup`,
      });
    } else if (runs.length > 0) {
      attributions.set(folder.name, {
        kind: 'uncertain',
        record: runs[0],
        why:
          `made during the failed job of attempt ${runs[0].attemptId} beside other folders ` +
          `(within ${formatDuration(jobWindowSlackMs)}), so it cannot be told apart`,
      });
    } else {
      attributions.set(folder.name, { kind: 'unrecorded' });
    }
  }
  return attributions;
}

/** An attempt's status and cause, e.g. `Unknown: DeadlinePassed`. */
export function describeOutcome(record: RetentionRecord): string {
  return record.failureCode ? `${record.status}: ${record.failureCode}` : record.status;
}
