import type { DurableClient } from 'durable-functions';
import { ApiError } from '../http/ApiError';
import { backupInstanceId, type BackupCycleInput, type BackupCycleResult } from './BackupCycle';

/** `GET /api/backups/{id}`: a backup run of this HSM, from its orchestration. */
export async function backupRunView(client: DurableClient, hsmName: string, instanceId: string) {
  const ours =
    instanceId === backupInstanceId(hsmName) ||
    new RegExp(`^restore-${hsmName}-\\d{14}-[0-9a-f]{6}-safety-backup$`).test(instanceId);
  if (!ours) {
    throw new ApiError(
      404,
      'BackupRunNotFound',
      `There is no backup run of ${hsmName} with id "${instanceId.slice(0, 80)}".`,
    );
  }
  let status;
  try {
    status = await client.getStatus(instanceId, { showInput: true });
  } catch (error) {
    if (error instanceof Error && /HTTP 404/.test(error.message)) {
      throw new ApiError(
        404,
        'BackupRunNotFound',
        `No backup of ${hsmName} has run yet under "${instanceId}".`,
      );
    }
    throw error;
  }
  const input = status.input as BackupCycleInput;
  const output = status.output as BackupCycleResult | undefined;
  const custom = (status.customStatus ?? {}) as {
    phase?: string;
    jobId?: string;
    attemptId?: string;
  };
  const runtime = String(status.runtimeStatus);
  return {
    id: instanceId,
    status:
      runtime === 'Completed' && output
        ? output.status
        : runtime === 'Pending' || runtime === 'Running'
          ? runtime
          : 'Failed',
    phase: custom.phase ?? null,
    trigger: input.trigger,
    occurrence: input.occurrence,
    attemptId: output?.attemptId ?? custom.attemptId ?? null,
    jobId: output?.jobId ?? custom.jobId ?? null,
    folder: output?.folder ?? null,
    failureCode: output?.failureCode ?? null,
    reason: output?.reason ?? null,
    prune: output?.prune ?? null,
    createdAt: status.createdTime ? new Date(status.createdTime).toISOString() : null,
    lastUpdatedAt: status.lastUpdatedTime ? new Date(status.lastUpdatedTime).toISOString() : null,
  };
}
