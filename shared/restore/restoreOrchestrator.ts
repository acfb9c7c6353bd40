import type { OrchestrationContext, Task } from 'durable-functions';
import {
  lockLeaseFor,
  orchestratorNames,
  sasValidityFor,
  type BackupCycleInput,
  type BackupCycleResult,
} from '../backup/BackupCycle';
import { activityRetry, pollJob, replaySafeLog, startJob } from '../orchestration/jobSteps';
import { holdingHsmLock } from '../orchestration/holdingHsmLock';
import { runServiceCheck } from './runServiceCheck';
import { dryRunRestore } from './dryRunRestore';
import {
  restoreActivityNames,
  roleRewindWarning,
  type RestoreInput,
  type RestoreResult,
  type SaveRestoreInput,
  type StartJobResult,
  type VerifyRestoreResult,
} from './RestoreTypes';

/**
 * One restore of one HSM. Holds the HSM's lock throughout (the HTTP request took it on this
 * instance's behalf), optionally takes a safety backup first, checks everything again just before
 * starting (time passed since the request), then restores, polls and records. After a full
 * restore it checks that the app can still back up: the restore rewinds role assignments too.
 */
export function* restoreOrchestrator(
  context: OrchestrationContext,
): Generator<Task, RestoreResult, unknown> {
  const input = context.df.getInput<RestoreInput>();
  if (input.dryRun) return yield* dryRunRestore(context, input);
  return yield* holdingHsmLock(
    context,
    {
      hsmName: input.hsmName,
      operation: 'restore',
      detail: `${input.kind} restore of ${input.folder}`,
      leaseMs: lockLeaseFor(input.polling),
    },
    activityRetry(input.polling),
    // Another operation took the HSM between the request and now: recorded like any failure.
    function* (heldBy) {
      const reason =
        `${heldBy.operation} ${heldBy.instanceId} held the HSM since ${heldBy.since}; ` +
        `nothing was restored`;
      yield context.df.callActivityWithRetry(
        restoreActivityNames.save,
        activityRetry(input.polling),
        {
          hsmName: input.hsmName,
          instanceId: context.df.instanceId,
          kind: input.kind,
          keyName: input.keyName,
          folder: input.folder,
          requestedBy: input.requestedBy,
          requestedAt: input.requestedAt,
          status: 'Failed',
          failureReason: reason,
        } satisfies SaveRestoreInput,
      );
      return failed(input, reason);
    },
    () => restoreSteps(context, input),
  );
}

function* restoreSteps(
  context: OrchestrationContext,
  input: RestoreInput,
): Generator<Task, RestoreResult, unknown> {
  const { instanceId } = context.df;
  const log = replaySafeLog(context);
  const retry = activityRetry(input.polling);
  let record: SaveRestoreInput = {
    hsmName: input.hsmName,
    instanceId,
    kind: input.kind,
    keyName: input.keyName,
    folder: input.folder,
    requestedBy: input.requestedBy,
    requestedAt: input.requestedAt,
    status: 'Running',
  };
  const save = function* (changes: Partial<SaveRestoreInput>): Generator<Task, void, unknown> {
    record = { ...record, ...changes };
    yield context.df.callActivityWithRetry(restoreActivityNames.save, retry, record);
  };
  const fail = function* (reason: string): Generator<Task, RestoreResult, unknown> {
    log(`restore of ${input.folder} failed: ${reason}`);
    yield* save({ status: 'Failed', failureReason: reason });
    context.df.setCustomStatus({
      phase: 'done',
      folder: input.folder,
      safetyBackupFolder: record.safetyBackupFolder,
    });
    return failed(input, reason, record.safetyBackupFolder, record.jobId);
  };
  yield* save({});

  // 1. The way back: a full backup, exactly as the scheduled one, minus pruning.
  if (input.backupFirst) {
    context.df.setCustomStatus({ phase: 'safety-backup', folder: input.folder });
    const backup = (yield context.df.callSubOrchestrator(
      orchestratorNames.backupCycle,
      {
        hsmName: input.hsmName,
        trigger: 'restore',
        occurrence: context.df.currentUtcDateTime.toISOString(),
        requestedBy: input.requestedBy,
        prune: false,
        lockHolder: instanceId,
        polling: input.polling,
      } satisfies BackupCycleInput,
      `${instanceId}-safety-backup`,
    )) as BackupCycleResult;
    if (backup.status !== 'Succeeded') {
      return yield* fail(
        `the safety backup did not succeed (${backup.status}: ` +
          `${backup.reason ?? 'no reason given'}); nothing was restored`,
      );
    }
    yield* save({ safetyBackupFolder: backup.folder });
  }

  // 2. Check again: the request waited for the lock and perhaps for a backup.
  context.df.setCustomStatus({
    phase: 'verifying',
    folder: input.folder,
    safetyBackupFolder: record.safetyBackupFolder,
  });
  const verified = (yield context.df.callActivityWithRetry(restoreActivityNames.verify, retry, {
    hsmName: input.hsmName,
    folder: input.folder,
    kind: input.kind,
    maxBackupAgeMs: input.kind === 'full' ? input.maxBackupAgeMs : undefined,
    now: context.df.currentUtcDateTime.toISOString(),
  })) as VerifyRestoreResult;
  if (!verified.folder.ready) return yield* fail(verified.folder.reason);
  if (verified.guard && !verified.guard.ready) return yield* fail(verified.guard.reason);

  // 3. Restore and wait for it.
  const startedAt = context.df.currentUtcDateTime;
  const start = yield* startJob<StartJobResult>(
    context,
    restoreActivityNames.start,
    {
      hsmName: input.hsmName,
      instanceId,
      requestedAt: input.requestedAt,
      kind: input.kind,
      keyName: input.keyName,
      folder: input.folder,
      sasValidityMs: sasValidityFor(input.polling),
    },
    input.polling,
    startedAt,
    log,
  );
  if (start.outcome !== 'started')
    return yield* fail(`the HSM did not start the restore: ${start.reason}`);
  yield* save({ jobId: start.jobId });
  context.df.setCustomStatus({
    phase: 'restoring',
    folder: input.folder,
    safetyBackupFolder: record.safetyBackupFolder,
    jobId: start.jobId,
  });
  log(`restore of ${input.folder} running as job ${start.jobId}`);
  const check = yield* pollJob(
    context,
    restoreActivityNames.check,
    { hsmName: input.hsmName, jobId: start.jobId },
    input.polling,
    startedAt,
    start.retryAfterSeconds,
  );
  const times =
    check?.state === 'finished' ? { startTime: check.startTime, endTime: check.endTime } : {};
  if (check?.state !== 'finished' || check.status === 'Unknown') {
    const reason =
      `the outcome of restore job ${start.jobId} is unknown ` +
      `(${check?.reason ?? 'the deadline passed while it ran'}); ` +
      'check the HSM before doing anything else';
    yield* save({ status: 'Unknown', failureReason: reason, ...times });
    context.df.setCustomStatus({ phase: 'done', folder: input.folder, jobId: start.jobId });
    return failed(input, reason, record.safetyBackupFolder, start.jobId);
  }
  if (check.status !== 'Succeeded') {
    yield* save(times);
    return yield* fail(
      `restore job ${start.jobId} ${check.status.toLowerCase()}: ` +
        `${check.reason ?? 'no reason given'}`,
    );
  }

  // 4. A full restore may have taken away the app's own grant: find out now, not at 2 a.m.
  let access: string | undefined;
  if (input.kind === 'full') {
    context.df.setCustomStatus({
      phase: 'checking-access',
      folder: input.folder,
      jobId: start.jobId,
    });
    access = yield* checkBackupAccess(context, input, log);
  }
  yield* save({ status: 'Succeeded', backupAccessAfterRestore: access, ...times });
  context.df.setCustomStatus({ phase: 'done', folder: input.folder, jobId: start.jobId });
  log(`restore of ${input.folder} succeeded (job ${start.jobId})`);
  return {
    status: 'Succeeded',
    dryRun: false,
    kind: input.kind,
    keyName: input.keyName,
    folder: input.folder,
    safetyBackupFolder: record.safetyBackupFolder,
    jobId: start.jobId,
    ...times,
    backupAccessAfterRestore: access,
    warnings: input.kind === 'full' ? [roleRewindWarning] : [],
  };
}

function* checkBackupAccess(
  context: OrchestrationContext,
  input: RestoreInput,
  log: (message: string) => void,
): Generator<Task, string, unknown> {
  if (!input.supportsPreChecks) {
    return (
      'not verified: the configured HSM API version has no pre-backup check (7.6 or newer has); ' +
      'the next backup will show whether the app can still back up'
    );
  }
  const check = yield* runServiceCheck(
    context,
    { hsmName: input.hsmName, kind: 'backup' },
    input.polling,
    log,
  );
  if (check.passed) return 'verified: the service pre-backup check passed after the restore';
  const problem = check.reason;
  const warning =
    `BACKUPS AT RISK: after the restore the app could not pass the pre-backup check ` +
    `(${problem}). ` +
    'The restore may have removed its "Managed HSM Backup" role assignment: grant it again.';
  if (!context.df.isReplaying) context.error(`[${context.df.instanceId}] ${warning}`);
  return warning;
}

function failed(
  input: RestoreInput,
  reason: string,
  safetyBackupFolder?: string,
  jobId?: string,
): RestoreResult {
  return {
    status: 'Failed',
    dryRun: false,
    kind: input.kind,
    keyName: input.keyName,
    folder: input.folder,
    safetyBackupFolder,
    jobId,
    failureReason: reason,
    warnings: [],
  };
}
