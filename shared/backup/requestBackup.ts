import type { HttpRequest } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import type { AppServices } from '../app/appServices';
import { now } from '../app/clock';
import { ApiError } from '../http/ApiError';
import { readJsonObject, refuseUnknownFields } from '../http/jsonBody';
import type { Logger } from '../log/Logger';
import { readClientPrincipal } from '../restore/clientPrincipal';
import { startBackupCycle } from './startBackupCycle';

/**
 * `POST /api/backups`: a backup now, by the same orchestration as the timer's. The body may be
 * empty or `{}`; 409 when any operation already holds the HSM.
 */
export async function requestBackup(
  client: DurableClient,
  services: AppServices,
  request: HttpRequest,
  log: Logger,
): Promise<{ id: string; statusUrl: string }> {
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > 0 || request.headers.get('transfer-encoding')) {
    refuseUnknownFields(await readJsonObject(request), []);
  }
  const { config } = services;
  const at = now();
  const holder = await services.lock.holder(config.hsm.name, at);
  if (holder) {
    throw new ApiError(
      409,
      'OperationInProgress',
      `A ${holder.operation} of ${config.hsm.name} is running ` +
        `(${holder.detail ?? holder.instanceId}, since ` +
        `${holder.since.toISOString()}); try again when it ends.`,
      { running: { operation: holder.operation, instanceId: holder.instanceId } },
    );
  }
  const requestedBy = readClientPrincipal(request.headers)?.name;
  const started = await startBackupCycle(
    client,
    config,
    { trigger: 'manual', occurrence: at, requestedBy },
    log,
  );
  const statusUrl = `/api/backups/${started.instanceId}`;
  if (!started.started) {
    throw new ApiError(
      409,
      'BackupRunning',
      `A backup of ${config.hsm.name} is already ${started.runtimeStatus} (since ` +
        `${started.runningSince ?? 'a moment ago'}).`,
      { id: started.instanceId, statusUrl },
    );
  }
  return { id: started.instanceId, statusUrl };
}
