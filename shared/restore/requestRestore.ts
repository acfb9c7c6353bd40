import { randomBytes } from 'node:crypto';
import type { DurableClient } from 'durable-functions';
import type { AppServices } from '../app/appServices';
import { now } from '../app/clock';
import { ApiError } from '../http/ApiError';
import type { Logger } from '../log/Logger';
import { reportRestoreRequested } from '../telemetry/restoreTelemetry';
import {
  restoreOrchestratorName,
  roleRewindWarning,
  type RestoreInput,
  type VerifyRestoreResult,
} from './RestoreTypes';
import { verifyRestore } from './verifyRestore';

export interface RestoreRequest {
  readonly kind: 'full' | 'key';
  readonly keyName?: string;
  readonly folder: string;
  readonly backupFirst: boolean;
  readonly dryRun: boolean;
  readonly requestedBy?: string;
}

/** How long a restore request holds the lock before its orchestration's first step renews it. */
export const requestLockLeaseMs = 5 * 60_000;

/** Restore instance ids: the HSM's name, the request time, and a random tail. */
export function restoreInstanceId(hsmName: string, at: Date, dryRun: boolean): string {
  const stamp = at
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14);
  return `restore-${hsmName}-${dryRun ? 'dryrun-' : ''}${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Checks a validated restore request against the ledger, the container and the HSM's lock, takes
 * the lock for the new instance and starts the restore orchestration. A dry run only starts its
 * read-only orchestration. Every refusal says what to do next.
 */
export async function requestRestore(
  client: DurableClient,
  services: AppServices,
  request: RestoreRequest,
  log: Logger,
): Promise<{ id: string; statusUrl: string; dryRun: boolean; warnings: string[] }> {
  const { config } = services;
  const hsmName = config.hsm.name;
  const at = now();
  const full = request.kind === 'full';
  const instanceId = restoreInstanceId(hsmName, at, request.dryRun);
  const verified = await verifyRestore(services, {
    hsmName,
    folder: request.folder,
    kind: request.kind,
    maxBackupAgeMs: full ? config.restore.maxBackupAgeMs : undefined,
    now: at.toISOString(),
  });
  // A folder the ledger has never heard of is a typo: refused at once, dry run or not. Every
  // other check a dry run reports instead of refusing.
  if (request.dryRun && !verified.folder.ready && verified.folder.status === 404) {
    throw new ApiError(404, verified.folder.code, verified.folder.reason);
  }
  if (!request.dryRun) {
    refuseUnlessReady(verified, request);
    // A short lease: if the process dies before the orchestration is stored, the HSM is free
    // again within minutes. The orchestration's first step renews it to the full lease.
    const lock = await services.lock.acquire(
      hsmName,
      { instanceId, operation: 'restore', detail: `${request.kind} restore of ${request.folder}` },
      requestLockLeaseMs,
      at,
    );
    if (!lock.acquired) throw busy(lock.heldBy);
  }
  const input: RestoreInput = {
    hsmName,
    kind: request.kind,
    keyName: request.keyName,
    folder: request.folder,
    requestedBy: request.requestedBy,
    requestedAt: at.toISOString(),
    backupFirst: request.backupFirst,
    dryRun: request.dryRun,
    maxBackupAgeMs: config.restore.maxBackupAgeMs,
    polling: config.polling,
    supportsPreChecks: services.hsm.supportsPreChecks,
  };
  try {
    await client.startNew(restoreOrchestratorName, { instanceId, input });
  } catch (error) {
    if (!request.dryRun) await services.lock.release(hsmName, instanceId);
    throw error;
  }
  const who = request.requestedBy ?? 'a caller with the function key';
  const what = request.kind === 'key' ? `restore of key ${request.keyName}` : 'FULL restore';
  log.warn(
    `${request.dryRun ? 'Dry run of a ' : ''}${what} from ${request.folder} requested by ${who}` +
      `${request.backupFirst ? ' (backup first)' : ''}: instance ${instanceId}.`,
  );
  reportRestoreRequested(log, { ...request, hsmName, instanceId });
  return {
    id: instanceId,
    statusUrl: `/api/restore/${instanceId}`,
    dryRun: request.dryRun,
    warnings: full ? [roleRewindWarning] : [],
  };
}

function refuseUnlessReady(verified: VerifyRestoreResult, request: RestoreRequest): void {
  if (!verified.folder.ready) {
    const { status, code, reason } = verified.folder;
    throw new ApiError(status, code, reason);
  }
  if (verified.lockHeldBy)
    throw busy({ ...verified.lockHeldBy, since: new Date(verified.lockHeldBy.since) });
  const guard = verified.guard;
  if (guard && !guard.ready && !request.backupFirst) {
    throw new ApiError(409, guard.code, guard.reason, {
      lastBackupCompletedAt: guard.lastCompletedAt ?? null,
      lastBackupAgeMinutes: guard.ageMinutes ?? null,
      hint:
        'Send the same request with "backupFirst": true to take a full backup first, then ' +
        'restore.',
    });
  }
}

function busy(holder: {
  operation: string;
  instanceId: string;
  since: Date;
  detail?: string;
}): ApiError {
  return new ApiError(
    409,
    'OperationInProgress',
    `A ${holder.operation} of this HSM is running (${holder.detail ?? holder.instanceId}, since ` +
      `${holder.since.toISOString()}); only one operation runs at a time. Try again when it ends.`,
    {
      running: {
        operation: holder.operation,
        instanceId: holder.instanceId,
        since: holder.since.toISOString(),
      },
    },
  );
}
