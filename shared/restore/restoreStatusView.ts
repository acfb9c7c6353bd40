import type { DurableClient } from 'durable-functions';
import { ApiError } from '../http/ApiError';
import { roleRewindWarning, type RestoreInput, type RestoreResult } from './RestoreTypes';

/** What `GET /api/restore/{id}` answers; never durable management URLs or keys. */
export interface RestoreStatusView {
  readonly id: string;
  readonly status: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly dryRun: boolean;
  readonly kind: 'full' | 'key';
  readonly keyName?: string;
  readonly folder: string;
  readonly phase?: string;
  readonly safetyBackupFolder?: string;
  readonly jobId?: string;
  readonly failureReason?: string;
  readonly requestedBy?: string;
  readonly requestedAt?: string;
  readonly lastUpdatedAt?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly backupAccessAfterRestore?: string;
  readonly warnings: readonly string[];
  readonly report?: RestoreResult['report'];
}

interface CustomStatus {
  readonly phase?: string;
  readonly safetyBackupFolder?: string;
  readonly jobId?: string;
}

export async function restoreStatusView(
  client: DurableClient,
  hsmName: string,
  instanceId: string,
): Promise<RestoreStatusView> {
  // Only this HSM's restore instances can be read here, never any other orchestration.
  const pattern = new RegExp(`^restore-${hsmName}-(dryrun-)?\\d{14}-[0-9a-f]{6}$`);
  if (!pattern.test(instanceId)) {
    throw new ApiError(
      404,
      'RestoreNotFound',
      `There is no restore of ${hsmName} with id "${instanceId.slice(0, 80)}".`,
    );
  }
  let status;
  try {
    status = await client.getStatus(instanceId, { showInput: true });
  } catch (error) {
    if (error instanceof Error && /HTTP 404/.test(error.message)) {
      throw new ApiError(404, 'RestoreNotFound', `There is no restore with id "${instanceId}".`);
    }
    throw error;
  }
  const input = status.input as RestoreInput;
  const custom = (status.customStatus ?? {}) as CustomStatus;
  const output = status.output as RestoreResult | undefined;
  const runtime = String(status.runtimeStatus);
  const finished = runtime === 'Completed' && output;
  return {
    id: instanceId,
    status: finished
      ? output.status
      : runtime === 'Pending'
        ? 'Pending'
        : runtime === 'Running'
          ? 'Running'
          : 'Failed',
    dryRun: input.dryRun,
    kind: input.kind,
    keyName: input.keyName,
    folder: input.folder,
    phase: custom.phase,
    safetyBackupFolder: output?.safetyBackupFolder ?? custom.safetyBackupFolder,
    jobId: output?.jobId ?? custom.jobId,
    failureReason:
      output?.failureReason ??
      (['Failed', 'Terminated', 'Canceled'].includes(runtime)
        ? `the restore orchestration ended ${runtime}`
        : undefined),
    requestedBy: input.requestedBy,
    requestedAt: input.requestedAt,
    lastUpdatedAt: status.lastUpdatedTime
      ? new Date(status.lastUpdatedTime).toISOString()
      : undefined,
    startTime: output?.startTime,
    endTime: output?.endTime,
    backupAccessAfterRestore: output?.backupAccessAfterRestore,
    warnings: output?.warnings ?? (input.kind === 'full' ? [roleRewindWarning] : []),
    report: output?.report,
  };
}
