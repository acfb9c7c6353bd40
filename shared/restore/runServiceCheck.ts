import type { OrchestrationContext, Task } from 'durable-functions';
import { activityNames, sasValidityFor, type PollTiming } from '../backup/BackupCycle';
import { pollJob, startJob } from '../orchestration/jobSteps';
import { restoreActivityNames, type StartJobResult } from './RestoreTypes';

export type ServiceCheckResult =
  | { readonly passed: true; readonly jobId: string }
  | { readonly passed: false; readonly reason: string };

/**
 * Runs one of the service's own checks (API 7.6+) to its end: the pre-backup check (polled as a
 * backup job) or the pre-restore check of a folder (polled as a restore job).
 */
export function* runServiceCheck(
  context: OrchestrationContext,
  check: {
    readonly hsmName: string;
    readonly kind: 'backup' | 'restore';
    readonly folder?: string;
  },
  polling: PollTiming,
  log: (message: string) => void,
): Generator<Task, ServiceCheckResult, unknown> {
  const startedAt = context.df.currentUtcDateTime;
  const start = yield* startJob<StartJobResult>(
    context,
    restoreActivityNames.startPreCheck,
    {
      hsmName: check.hsmName,
      check: check.kind,
      folder: check.folder,
      sasValidityMs: sasValidityFor(polling),
    },
    polling,
    startedAt,
    log,
  );
  if (start.outcome !== 'started') return { passed: false, reason: start.reason };
  const result = yield* pollJob(
    context,
    check.kind === 'backup' ? activityNames.checkBackupJob : restoreActivityNames.check,
    { hsmName: check.hsmName, jobId: start.jobId },
    polling,
    startedAt,
    start.retryAfterSeconds,
  );
  if (result?.state === 'finished' && result.status === 'Succeeded') {
    return { passed: true, jobId: start.jobId };
  }
  return {
    passed: false,
    reason: result?.reason ?? `the pre-${check.kind} check did not finish in time`,
  };
}
