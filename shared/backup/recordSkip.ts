import type { AppServices } from '../app/appServices';
import type { Logger } from '../log/Logger';
import { triggerOfAttempt } from '../telemetry/backupTelemetry';
import { emitEvent } from '../telemetry/telemetry';
import type { RecordSkipInput } from './BackupCycle';

/** Writes down an occurrence that was skipped because another operation held the HSM. */
export async function recordSkip(
  services: AppServices,
  input: RecordSkipInput,
  log: Logger,
): Promise<void> {
  await services.ledger.recordSkip({ ...input, occurrence: new Date(input.occurrence) });
  log.warn(`Backup ${input.attemptId} of ${input.hsmName} skipped: ${input.reason}`);
  emitEvent(log, 'BackupSkipped', {
    hsm: input.hsmName,
    attemptId: input.attemptId,
    instanceId: input.instanceId,
    trigger: triggerOfAttempt(input.attemptId),
    statusDetails: input.reason,
  });
}
