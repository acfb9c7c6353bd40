import { now } from '../app/clock';
import type { AppServices } from '../app/appServices';
import { startJobSafely } from '../orchestration/startJobSafely';
import type { BackupRecord } from '../ledger/BackupRecord';
import type { Logger } from '../log/Logger';
import { emitEvent } from '../telemetry/telemetry';
import type { StartBackupInput, StartBackupResult } from './BackupCycle';
import { storageTargetFor } from './storageTarget';

/**
 * Registers the attempt in the ledger, then starts the HSM backup and records its job id the
 * moment the service accepts it. The service has no job listing, so that row is the only way a
 * re-run after a crash can find the job again: a re-run adopts the recorded job instead of
 * starting a second one.
 *
 * Retriable failures (network, 429, 5xx) come back as `unavailable` with the service's
 * Retry-After, so the orchestration waits on a durable timer; a 409 or a permanent refusal comes
 * back as `refused`, to be recorded. Storage failures are thrown, for the activity retry.
 */
export async function startBackup(
  services: AppServices,
  input: StartBackupInput,
  log: Logger,
): Promise<StartBackupResult> {
  const { ledger, hsm } = services;
  const fresh: BackupRecord = {
    hsmName: input.hsmName,
    attemptId: input.attemptId,
    trigger: input.trigger,
    occurrence: new Date(input.occurrence),
    instanceId: input.instanceId,
    requestedBy: input.requestedBy,
    status: 'Starting',
    createdAt: now(),
  };
  const { created, record } = await ledger.createBackup(fresh);
  if (!created) {
    if (record.jobId && record.status === 'InProgress') {
      log.info(
        `Backup ${record.attemptId}: adopting job ${record.jobId} recorded by an earlier run.`,
      );
      return { outcome: 'started', jobId: record.jobId, adopted: true };
    }
    if (record.status !== 'Starting') {
      log.info(
        `Backup ${record.attemptId}: already recorded as ${record.status}; not starting again.`,
      );
      return { outcome: 'already-recorded', status: record.status, jobId: record.jobId };
    }
    // A row with no job id: an earlier run stopped before the service accepted a start.
    log.info(
      `Backup ${record.attemptId}: no job id recorded yet (an earlier start got no answer, or ` +
        `stopped before the HSM accepted it); starting now.`,
    );
  }

  // The HSM would accept the job and fail it later with ContainerNotFound; say it plainly now.
  if (!(await services.storage.container.exists())) {
    const container = services.config.storage.container;
    log.error(`Backup ${input.attemptId}: container ${container} does not exist.`);
    return {
      outcome: 'refused',
      failureCode: 'ContainerMissing',
      reason:
        `the backup container "${container}" does not exist in ` +
        `${services.config.storage.accountName}; ` +
        `create it (the deployment does) or fix BACKUP_CONTAINER`,
    };
  }
  const target = await storageTargetFor(services, 'backup', input.sasValidityMs);
  const start = await startJobSafely(
    `Backup ${input.attemptId}`,
    () => hsm.beginFullBackup(target),
    log,
  );
  if (start.outcome === 'unavailable' && start.answerLost) {
    // There is no job listing to ask: write down that a job of this moment may exist, so its
    // folder is recognised (and reported, never mistaken) if the retry starts another.
    await ledger.saveBackup({ ...record, startAnswerLostAt: now() });
    log.warn(`Backup ${input.attemptId}: the HSM may have accepted a start whose answer was lost.`);
  }
  if (start.outcome !== 'started') return start;
  const { jobId, retryAfterSeconds } = start;
  const current = (await ledger.getBackup(input.hsmName, input.attemptId)) ?? record;
  await ledger.saveBackup({
    ...current,
    status: 'InProgress',
    jobId,
    instanceId: input.instanceId,
  });
  const { hsmName, attemptId, instanceId, trigger } = input;
  emitEvent(log, 'BackupStarted', { hsm: hsmName, attemptId, jobId, instanceId, trigger });
  return { outcome: 'started', jobId, retryAfterSeconds, adopted: false };
}
