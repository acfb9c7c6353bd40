import type { OrchestrationContext, Task } from 'durable-functions';
import { attemptIdFor } from '../ledger/rowKeys';
import { activityRetry, pollJob, replaySafeLog, startJob } from '../orchestration/jobSteps';
import { holdingHsmLock } from '../orchestration/holdingHsmLock';
import {
  activityNames,
  lockLeaseFor,
  sasValidityFor,
  type BackupCycleInput,
  type BackupCycleResult,
  type PruneSummary,
  type RecordedOutcome,
  type RecordOutcomeInput,
  type RecordSkipInput,
  type StartBackupInput,
  type StartBackupResult,
} from './BackupCycle';

/**
 * One backup cycle of one HSM: take the HSM's lock, start the backup, wait for it with durable
 * timers, record the outcome, prune by retention only after a success, release the lock. Time
 * comes only from `context.df.currentUtcDateTime`; the activities do all the I/O.
 */
export function* backupCycleOrchestrator(
  context: OrchestrationContext,
): Generator<Task, BackupCycleResult, unknown> {
  const input = context.df.getInput<BackupCycleInput>();
  const { instanceId } = context.df;
  const attemptId = attemptIdFor(new Date(input.occurrence), input.trigger);
  const log = replaySafeLog(context);
  const retry = activityRetry(input.polling);

  // Inside a restore that already holds the HSM (its safety backup), run as part of it.
  if (input.lockHolder) return yield* runCycle(context, input, attemptId, log);

  // One operation per HSM: a restore in progress means this occurrence is skipped, recorded.
  return yield* holdingHsmLock(
    context,
    {
      hsmName: input.hsmName,
      operation: 'backup',
      detail: `backup for ${input.occurrence}`,
      leaseMs: lockLeaseFor(input.polling),
    },
    retry,
    function* (heldBy) {
      const reason =
        `${heldBy.operation} ${heldBy.instanceId} held the HSM since ${heldBy.since}` +
        (heldBy.detail ? ` (${heldBy.detail})` : '');
      yield context.df.callActivityWithRetry(activityNames.recordSkip, retry, {
        hsmName: input.hsmName,
        attemptId,
        occurrence: input.occurrence,
        instanceId,
        reason,
      } satisfies RecordSkipInput);
      log(`backup ${attemptId} skipped: ${reason}`);
      context.df.setCustomStatus({ phase: 'done', attemptId, status: 'Skipped' });
      return { hsmName: input.hsmName, attemptId, status: 'Skipped', reason } as const;
    },
    () => runCycle(context, input, attemptId, log),
  );
}

function* runCycle(
  context: OrchestrationContext,
  input: BackupCycleInput,
  attemptId: string,
  log: (message: string) => void,
): Generator<Task, BackupCycleResult, unknown> {
  const { instanceId } = context.df;
  const startedAt = context.df.currentUtcDateTime;
  const retry = activityRetry(input.polling);
  const base = { hsmName: input.hsmName, attemptId };
  const record = function* (
    outcome: Omit<RecordOutcomeInput, 'hsmName' | 'attemptId'>,
  ): Generator<Task, RecordedOutcome, unknown> {
    return (yield context.df.callActivityWithRetry(activityNames.recordBackupOutcome, retry, {
      ...base,
      ...outcome,
    } satisfies RecordOutcomeInput)) as RecordedOutcome;
  };

  // 1. Start (or adopt) the job, waiting out throttling and outages with durable timers.
  context.df.setCustomStatus({ phase: 'starting', attemptId });
  const start = yield* startJob<StartBackupResult>(
    context,
    activityNames.startBackup,
    {
      ...base,
      trigger: input.trigger,
      occurrence: input.occurrence,
      instanceId,
      requestedBy: input.requestedBy,
      sasValidityMs: sasValidityFor(input.polling),
    } satisfies StartBackupInput,
    input.polling,
    startedAt,
    log,
  );
  if (start.outcome === 'already-recorded') {
    log(`backup ${attemptId} was already recorded as ${start.status}; nothing to do`);
    const status =
      start.status === 'Succeeded' || start.status === 'Failed' ? start.status : 'Unknown';
    return { ...base, status, jobId: start.jobId };
  }
  if (start.outcome === 'unavailable' || start.outcome === 'refused') {
    const failureCode = start.outcome === 'refused' ? start.failureCode : 'HsmUnavailable';
    const recorded = yield* record({ status: 'Failed', failureCode, reason: start.reason });
    log(`backup ${attemptId} not started: ${failureCode}: ${start.reason}`);
    return { ...base, ...recorded, failureCode };
  }

  // 2. Poll the job until it finishes, the service forgets it, or the deadline passes.
  const { jobId } = start;
  log(`backup ${attemptId} running as job ${jobId}${start.adopted ? ' (adopted)' : ''}`);
  context.df.setCustomStatus({ phase: 'waiting', attemptId, jobId });
  const check = yield* pollJob(
    context,
    activityNames.checkBackupJob,
    { hsmName: input.hsmName, jobId },
    input.polling,
    startedAt,
    start.retryAfterSeconds,
  );

  // 3. Record what we learned. Only the service's word makes a success or a failure.
  context.df.setCustomStatus({ phase: 'recording', attemptId, jobId });
  let recorded: RecordedOutcome;
  if (check?.state === 'finished') {
    const status = check.status === 'Canceled' ? 'Failed' : check.status;
    const failureCode =
      status === 'Succeeded' ? undefined : status === 'Unknown' ? 'UnknownStatus' : 'JobFailed';
    recorded = yield* record({
      jobId,
      status,
      failureCode,
      reason: check.reason,
      startTime: check.startTime,
      endTime: check.endTime,
      folderUrl: check.folderUrl,
    });
  } else if (check?.state === 'not-found') {
    recorded = yield* record({
      jobId,
      status: 'Unknown',
      failureCode: 'JobForgotten',
      reason: check.reason,
    });
  } else {
    const seconds = Math.round(input.polling.deadlineMs / 1000);
    const reason =
      `the job was still running (or unreachable) when the ${seconds} s deadline passed; it ` +
      `may still finish`;
    recorded = yield* record({ jobId, status: 'Unknown', failureCode: 'DeadlinePassed', reason });
  }
  const where = recorded.folder ? ` in ${recorded.folder}` : '';
  log(`backup ${attemptId} job ${jobId} ended ${recorded.status}${where}`);

  // 4. Prune, only after a success, and never for a restore's safety backup.
  let prune: PruneSummary | undefined;
  if (recorded.status === 'Succeeded' && input.prune) {
    context.df.setCustomStatus({ phase: 'pruning', attemptId, jobId });
    prune = (yield context.df.callActivityWithRetry(activityNames.pruneBackups, retry, {
      hsmName: input.hsmName,
      instanceId,
    })) as PruneSummary;
  }
  context.df.setCustomStatus({ phase: 'done', attemptId, jobId, status: recorded.status });
  return { ...base, jobId, ...recorded, prune };
}
