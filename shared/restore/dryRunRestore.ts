import type { OrchestrationContext, Task } from 'durable-functions';
import { activityRetry, replaySafeLog } from '../orchestration/jobSteps';
import { runServiceCheck } from './runServiceCheck';
import {
  restoreActivityNames,
  roleRewindWarning,
  type DryRunReport,
  type RestoreInput,
  type RestoreResult,
  type VerifyRestoreResult,
} from './RestoreTypes';

type Check = DryRunReport['checks'][number];

/**
 * A restore that changes nothing: every check a real request would meet, the service's own
 * pre-restore check where the API version has one, and what a real request would do.
 */
export function* dryRunRestore(
  context: OrchestrationContext,
  input: RestoreInput,
): Generator<Task, RestoreResult, unknown> {
  const log = replaySafeLog(context);
  const retry = activityRetry(input.polling);
  const checks: Check[] = [];
  const verified = (yield context.df.callActivityWithRetry(restoreActivityNames.verify, retry, {
    hsmName: input.hsmName,
    folder: input.folder,
    kind: input.kind,
    maxBackupAgeMs: input.kind === 'full' ? input.maxBackupAgeMs : undefined,
    now: context.df.currentUtcDateTime.toISOString(),
  })) as VerifyRestoreResult;

  const folder = verified.folder;
  checks.push({
    check: 'folder',
    ok: folder.ready,
    detail: folder.ready ? folder.detail : folder.reason,
  });
  if (verified.guard) {
    const fresh = verified.guard.ready;
    checks.push({
      check: 'recent-backup',
      ok: fresh || input.backupFirst,
      detail: fresh
        ? verified.guard.detail
        : input.backupFirst
          ? `${verified.guard.reason.split('. Send')[0]}; backupFirst takes a fresh one first`
          : verified.guard.reason,
    });
  }
  const holder = verified.lockHeldBy;
  checks.push({
    check: 'hsm-idle',
    ok: !holder,
    detail: holder
      ? `${holder.operation} ${holder.instanceId} holds the HSM since ${holder.since}; a ` +
        `real request would get 409`
      : 'no other operation holds the HSM',
  });
  checks.push(yield* servicePreCheck(context, input, folder.ready, log));

  const wouldDo = [
    ...(input.backupFirst
      ? ['take a full backup first (recorded as triggered by this restore, never pruned by it)']
      : []),
    input.kind === 'full'
      ? `restore ${input.folder}: this WIPES the HSM and returns it to that backup`
      : `restore every version of key ${input.keyName} from ${input.folder}`,
    ...(input.kind === 'full' ? ['check that the app can still start backups afterwards'] : []),
  ];
  const report: DryRunReport = { wouldProceed: checks.every((c) => c.ok), checks, wouldDo };
  return {
    status: 'Succeeded',
    dryRun: true,
    kind: input.kind,
    keyName: input.keyName,
    folder: input.folder,
    report,
    warnings: input.kind === 'full' ? [roleRewindWarning] : [],
  };
}

function* servicePreCheck(
  context: OrchestrationContext,
  input: RestoreInput,
  folderReady: boolean,
  log: (message: string) => void,
): Generator<Task, Check, unknown> {
  const check = 'service-pre-restore-check';
  if (input.kind !== 'full' || !input.supportsPreChecks) {
    const why =
      input.kind !== 'full' ? 'not offered for key restores' : 'needs HSM API version 7.6 or newer';
    return { check, ok: true, detail: `skipped: ${why}` };
  }
  if (!folderReady) return { check, ok: false, detail: 'skipped: the folder cannot be restored' };
  const result = yield* runServiceCheck(
    context,
    { hsmName: input.hsmName, kind: 'restore', folder: input.folder },
    input.polling,
    log,
  );
  return result.passed
    ? { check, ok: true, detail: `the service's pre-restore check passed (job ${result.jobId})` }
    : { check, ok: false, detail: result.reason };
}
