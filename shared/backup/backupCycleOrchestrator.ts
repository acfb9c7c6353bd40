import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { Task } from 'durable-functions';
import { attemptIdFor } from '../ledger/rowKeys';
import {
  activityNames,
  sasValidityFor,
  type BackupCycleInput,
  type BackupCycleResult,
  type JobCheck,
  type PruneSummary,
  type RecordedOutcome,
  type RecordOutcomeInput,
  type StartBackupResult,
} from './BackupCycle';
import { maxStartAttempts, nextPollTime } from './pollPlan';

/**
 * One backup cycle of one HSM: start the backup, wait for it with durable timers, record the
 * outcome, and prune by retention only after a success. Time comes only from
 * `context.df.currentUtcDateTime`; the activities do all the I/O.
 */
export function* backupCycleOrchestrator(
  context: OrchestrationContext,
): Generator<Task, BackupCycleResult, unknown> {
  const input = context.df.getInput<BackupCycleInput>();
  const { instanceId } = context.df;
  const startedAt = context.df.currentUtcDateTime;
  const attemptId = attemptIdFor(new Date(input.occurrence), input.trigger);
  const log = (message: string) => {
    if (!context.df.isReplaying) context.log(`[${instanceId}] ${message}`);
  };
  // Activities fail only when storage or the Functions runtime does: retry those a few times.
  const retry = new df.RetryOptions(Math.min(input.polling.firstIntervalMs, 30_000), 4);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = input.polling.maxIntervalMs;

  const record = function* (
    outcome: Omit<RecordOutcomeInput, 'hsmName' | 'attemptId'>,
  ): Generator<Task, RecordedOutcome, unknown> {
    const recorded = (yield context.df.callActivityWithRetry(
      activityNames.recordBackupOutcome,
      retry,
      {
        hsmName: input.hsmName,
        attemptId,
        ...outcome,
      },
    )) as RecordedOutcome;
    return recorded;
  };

  // 1. Start (or adopt) the job, waiting out throttling and outages with durable timers.
  context.df.setCustomStatus({ phase: 'starting', attemptId });
  let start: StartBackupResult | undefined;
  for (let attempt = 1; ; attempt++) {
    start = (yield context.df.callActivityWithRetry(activityNames.startBackup, retry, {
      hsmName: input.hsmName,
      attemptId,
      trigger: input.trigger,
      occurrence: input.occurrence,
      instanceId,
      requestedBy: input.requestedBy,
      sasValidityMs: sasValidityFor(input.polling),
    })) as StartBackupResult;
    if (start.outcome !== 'unavailable' || attempt >= maxStartAttempts) break;
    const wait = nextPollTime(
      context.df.currentUtcDateTime,
      startedAt,
      attempt - 1,
      input.polling,
      start.retryAfterSeconds,
    );
    if (!wait) break;
    log(
      `start attempt ${attempt} of ${attemptId} got no answer (${start.reason}); retrying at ${wait.toISOString()}`,
    );
    yield context.df.createTimer(wait);
  }

  if (start.outcome === 'already-recorded') {
    log(`attempt ${attemptId} was already recorded as ${start.status}; nothing to do`);
    return {
      hsmName: input.hsmName,
      attemptId,
      status: terminal(start.status),
      jobId: start.jobId,
    };
  }
  if (start.outcome === 'unavailable' || start.outcome === 'refused') {
    const failureCode = start.outcome === 'refused' ? start.failureCode : 'HsmUnavailable';
    const recorded = yield* record({ status: 'Failed', failureCode, reason: start.reason });
    log(`backup ${attemptId} not started: ${failureCode}: ${start.reason}`);
    return { hsmName: input.hsmName, attemptId, ...recorded, failureCode };
  }

  // 2. Poll the job until it finishes, the service forgets it, or the deadline passes.
  const { jobId } = start;
  log(`backup ${attemptId} running as job ${jobId}${start.adopted ? ' (adopted)' : ''}`);
  context.df.setCustomStatus({ phase: 'waiting', attemptId, jobId });
  let check: JobCheck | undefined;
  let retryAfterSeconds = start.retryAfterSeconds;
  for (let polls = 0; ; polls++) {
    const at = nextPollTime(
      context.df.currentUtcDateTime,
      startedAt,
      polls,
      input.polling,
      retryAfterSeconds,
    );
    if (!at) break;
    yield context.df.createTimer(at);
    check = (yield context.df.callActivityWithRetry(activityNames.checkBackupJob, retry, {
      hsmName: input.hsmName,
      jobId,
    })) as JobCheck;
    if (check.state === 'finished' || check.state === 'not-found') break;
    retryAfterSeconds = check.retryAfterSeconds;
  }

  // 3. Record what we learned. Only the service's word makes a success or a failure.
  context.df.setCustomStatus({ phase: 'recording', attemptId, jobId });
  let recorded: RecordedOutcome;
  if (check?.state === 'finished') {
    const status = check.status === 'Canceled' ? 'Failed' : check.status;
    recorded = yield* record({
      jobId,
      status,
      failureCode:
        status === 'Succeeded' ? undefined : status === 'Unknown' ? 'UnknownStatus' : 'JobFailed',
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
    const reason =
      `the job was still running (or unreachable) when the ${Math.round(input.polling.deadlineMs / 1000)} s ` +
      `deadline passed; it may still finish`;
    recorded = yield* record({ jobId, status: 'Unknown', failureCode: 'DeadlinePassed', reason });
  }
  log(
    `backup ${attemptId} job ${jobId} ended ${recorded.status}${recorded.folder ? ` in ${recorded.folder}` : ''}`,
  );

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
  return { hsmName: input.hsmName, attemptId, jobId, ...recorded, prune };
}

function terminal(status: string): BackupCycleResult['status'] {
  return status === 'Succeeded' || status === 'Failed' ? status : 'Unknown';
}
