import type { DurableClient } from 'durable-functions';
import type { AppConfig } from '../config/AppConfig';
import type { BackupTrigger } from '../ledger/BackupRecord';
import { attemptIdFor } from '../ledger/rowKeys';
import type { Logger } from '../log/Logger';
import { emitEvent } from '../telemetry/telemetry';
import { now } from '../app/clock';
import {
  backupInstanceId,
  lockLeaseFor,
  orchestratorNames,
  type BackupCycleInput,
} from './BackupCycle';

export type StartCycleOutcome =
  | { readonly started: true; readonly instanceId: string }
  | {
      readonly started: false;
      readonly instanceId: string;
      readonly runtimeStatus: string;
      readonly runningSince?: string;
    };

const activeStatuses = new Set(['Running', 'Pending']);

/**
 * Starts the HSM's backup orchestration unless one is already running: one backup per HSM at a
 * time, under a deterministic instance id. A duplicate start for the same occurrence that slips
 * past this check still cannot start a second job: both runs share the occurrence's ledger row.
 */
export async function startBackupCycle(
  client: DurableClient,
  config: AppConfig,
  request: {
    readonly trigger: BackupTrigger;
    readonly occurrence: Date;
    readonly requestedBy?: string;
  },
  log: Logger,
): Promise<StartCycleOutcome> {
  const instanceId = backupInstanceId(config.hsm.name);
  let existing = await statusOrUndefined(client, instanceId);
  const stuck = existing && stuckReason(existing, config);
  if (stuck) {
    // Never a reason to skip backups forever: report it loudly, end it, start afresh.
    log.error(
      `Backup instance ${instanceId} of ${config.hsm.name} is stuck (${stuck}); ` +
        `terminating and replacing it.`,
    );
    await client.terminate(instanceId, `replaced: ${stuck}`);
    existing = undefined;
  }
  if (existing && activeStatuses.has(existing.runtimeStatus)) {
    log.warn(
      `Backup of ${config.hsm.name} for ${request.occurrence.toISOString()} skipped: ` +
        `instance ${instanceId} is ${existing.runtimeStatus} since ${existing.createdTime}.`,
    );
    emitEvent(log, 'BackupSkipped', {
      hsm: config.hsm.name,
      attemptId: attemptIdFor(request.occurrence, request.trigger),
      instanceId,
      trigger: request.trigger,
      statusDetails:
        `instance ${instanceId} was still ${existing.runtimeStatus} (since ` +
        `${existing.createdTime})`,
    });
    return { started: false, instanceId, ...existing };
  }
  const input: BackupCycleInput = {
    hsmName: config.hsm.name,
    trigger: request.trigger,
    occurrence: request.occurrence.toISOString(),
    requestedBy: request.requestedBy,
    prune: request.trigger !== 'restore',
    polling: config.polling,
  };
  await client.startNew(orchestratorNames.backupCycle, { instanceId, input });
  log.info(
    `Backup of ${config.hsm.name} for ${input.occurrence} started as instance ${instanceId} ` +
      `(${request.trigger}).`,
  );
  return { started: true, instanceId };
}

/** A Pending instance never picked up: the host lost it (a crash before its first step). */
export const stuckPendingAfterMs = 15 * 60_000;

/**
 * Why an active instance counts as stuck, or undefined. A Running one past its lock lease can no
 * longer be doing anything useful: its deadline passed long ago and its lock has lapsed.
 */
function stuckReason(
  existing: { runtimeStatus: string; createdTime?: string },
  config: AppConfig,
): string | undefined {
  if (!existing.createdTime) return undefined;
  const ageMs = now().getTime() - Date.parse(existing.createdTime);
  if (existing.runtimeStatus === 'Pending' && ageMs > stuckPendingAfterMs) {
    return `Pending for ${Math.round(ageMs / 60_000)} minutes without starting`;
  }
  if (existing.runtimeStatus === 'Running' && ageMs > lockLeaseFor(config.polling)) {
    return `Running for ${Math.round(ageMs / 60_000)} minutes, far past its deadline`;
  }
  return undefined;
}

async function statusOrUndefined(
  client: DurableClient,
  instanceId: string,
): Promise<{ runtimeStatus: string; createdTime?: string } | undefined> {
  try {
    const status = await client.getStatus(instanceId);
    return {
      runtimeStatus: String(status.runtimeStatus),
      createdTime: status.createdTime ? new Date(status.createdTime).toISOString() : undefined,
    };
  } catch (error) {
    // The client reports an unknown instance only through an error that mentions the 404.
    if (error instanceof Error && /HTTP 404/.test(error.message)) return undefined;
    throw error;
  }
}
