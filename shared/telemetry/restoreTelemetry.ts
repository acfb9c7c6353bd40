import { now } from '../app/clock';
import type { Logger } from '../log/Logger';
import { readClientPrincipal } from '../restore/clientPrincipal';
import type { SaveRestoreInput } from '../restore/RestoreTypes';
import { emitEvent } from './telemetry';

/** Callers identified by the function key alone have no name: this stands in for one. */
export const keyCaller = 'function key';

/** The HTTP functions whose refusals are restore refusals (the restore request endpoints). */
export const restoreRequestFunctions: ReadonlySet<string> = new Set([
  'restoreRequest',
  'keyRestoreRequest',
]);

/** A restore (or dry run) that was accepted and started. */
export function reportRestoreRequested(
  log: Logger,
  request: {
    readonly hsmName: string;
    readonly instanceId: string;
    readonly kind: 'full' | 'key';
    readonly keyName?: string;
    readonly folder: string;
    readonly dryRun: boolean;
    readonly backupFirst: boolean;
    readonly requestedBy?: string;
  },
): void {
  emitEvent(log, 'RestoreRequested', {
    hsm: request.hsmName,
    instanceId: request.instanceId,
    folder: request.folder,
    kind: request.kind,
    keyName: request.keyName,
    requestedBy: request.requestedBy ?? keyCaller,
    trigger: 'http',
    dryRun: request.dryRun,
    backupFirst: request.backupFirst,
  });
}

/**
 * A refusal by a restore endpoint, with the guard's (or the gate's) code and reason. Called for
 * every refusal the JSON endpoint wrapper answers; ignores other endpoints.
 */
export function reportRestoreRefused(
  log: Logger,
  functionName: string,
  headers: { get(name: string): string | null },
  refusal: { readonly status: number; readonly code: string; readonly message: string },
  hsmName: string | undefined,
): void {
  if (!restoreRequestFunctions.has(functionName)) return;
  let requestedBy: string = keyCaller;
  try {
    requestedBy = readClientPrincipal(headers)?.name ?? keyCaller;
  } catch {
    // An unreadable principal header: the refusal is still worth reporting.
  }
  emitEvent(log, 'RestoreRefused', {
    hsm: hsmName,
    requestedBy,
    endpoint: functionName,
    code: refusal.code,
    httpStatus: refusal.status,
    statusDetails: refusal.message,
  });
}

/** A restore record saved with a final status: succeeded, failed, or outcome unknown. */
export function reportRestoreOutcome(log: Logger, record: SaveRestoreInput): void {
  if (record.status !== 'Succeeded' && record.status !== 'Failed' && record.status !== 'Unknown') {
    return;
  }
  const ids = {
    hsm: record.hsmName,
    instanceId: record.instanceId,
    folder: record.folder,
    kind: record.kind,
    keyName: record.keyName,
    requestedBy: record.requestedBy ?? keyCaller,
    jobId: record.jobId,
    durationMs: restoreDurationMs(record),
    safetyBackupFolder: record.safetyBackupFolder,
  };
  if (record.status === 'Succeeded') {
    emitEvent(log, 'RestoreSucceeded', {
      ...ids,
      statusDetails: record.backupAccessAfterRestore,
    });
  } else {
    emitEvent(log, 'RestoreFailed', {
      ...ids,
      status: record.status,
      statusDetails: record.failureReason,
    });
  }
}

/** The restore job's own start to end when known, else from the request to now. */
function restoreDurationMs(record: SaveRestoreInput): number {
  const start = Date.parse(record.startTime ?? '');
  const end = Date.parse(record.endTime ?? '');
  if (!Number.isNaN(start) && !Number.isNaN(end)) return Math.max(0, end - start);
  return Math.max(0, now().getTime() - Date.parse(record.requestedAt));
}
