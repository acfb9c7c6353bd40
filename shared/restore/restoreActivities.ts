import type { AppServices } from '../app/appServices';
import { storageTargetFor } from '../backup/storageTarget';
import type { Logger } from '../log/Logger';
import { checkJob } from '../orchestration/checkJob';
import { startJobSafely } from '../orchestration/startJobSafely';
import { reportRestoreOutcome } from '../telemetry/restoreTelemetry';
import type {
  JobCheck,
  SaveRestoreInput,
  StartJobResult,
  StartPreCheckInput,
  StartRestoreInput,
} from './RestoreTypes';

/** Mints a read-list SAS inside this activity and starts the restore with it. */
/**
 * Mints a read-list SAS inside this activity and starts the restore with it, recording the job id
 * in the restore's ledger row the moment the HSM accepts it. A re-run (the host died before it
 * recorded this activity's result) finds that job id and adopts the running job instead of
 * restoring a second time.
 */
export async function startRestore(
  services: AppServices,
  input: StartRestoreInput,
  log: Logger,
): Promise<StartJobResult> {
  const requestedAt = new Date(input.requestedAt);
  const row = await services.restores.get(input.hsmName, requestedAt, input.instanceId);
  if (row?.jobId) {
    log.info(`Restore ${input.instanceId}: adopting job ${row.jobId} recorded by an earlier run.`);
    return { outcome: 'started', jobId: row.jobId };
  }
  const target = await storageTargetFor(services, 'restore', input.sasValidityMs);
  const what = `Restore ${input.instanceId} of ${input.folder}`;
  const started = await startJobSafely(
    what,
    () =>
      input.kind === 'key' && input.keyName
        ? services.hsm.beginSelectiveKeyRestore(input.keyName, target, input.folder)
        : services.hsm.beginFullRestore(target, input.folder),
    log,
  );
  if (started.outcome === 'started' && row) {
    await services.restores.save({ ...row, jobId: started.jobId, status: 'Running' });
  }
  return started;
}

export function checkRestoreJob(
  services: AppServices,
  input: { readonly hsmName: string; readonly jobId: string },
): Promise<JobCheck> {
  return checkJob(input.jobId, () => services.hsm.getRestoreStatus(input.jobId));
}

/** The service's own pre-backup or pre-restore check (API 7.6+), with the SAS it would need. */
export async function startPreCheck(
  services: AppServices,
  input: StartPreCheckInput,
  log: Logger,
): Promise<StartJobResult> {
  if (input.check === 'backup') {
    const target = await storageTargetFor(services, 'backup', input.sasValidityMs);
    return startJobSafely('Pre-backup check', () => services.hsm.beginPreBackupCheck(target), log);
  }
  const target = await storageTargetFor(services, 'restore', input.sasValidityMs);
  const folder = input.folder ?? '';
  return startJobSafely(
    `Pre-restore check of ${folder}`,
    () => services.hsm.beginPreRestoreCheck(target, folder),
    log,
  );
}

export async function saveRestoreRecord(
  services: AppServices,
  input: SaveRestoreInput,
  log: Logger,
): Promise<void> {
  const date = (iso?: string) => (iso ? new Date(iso) : undefined);
  const requestedAt = new Date(input.requestedAt);
  // A re-run after a crash finds its outcome already stored: report an outcome once only.
  const before = await services.restores.get(input.hsmName, requestedAt, input.instanceId);
  await services.restores.save({
    ...input,
    requestedAt,
    startTime: date(input.startTime),
    endTime: date(input.endTime),
  });
  if (before?.status !== input.status) reportRestoreOutcome(log, input);
}
