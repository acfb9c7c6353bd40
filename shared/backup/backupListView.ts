import type { HttpRequest } from '@azure/functions';
import type { AppServices } from '../app/appServices';
import { now } from '../app/clock';
import { ApiError } from '../http/ApiError';
import { queryOf, refuseUnknownQuery } from '../http/jsonEndpoint';
import type { BackupRecord, BackupStatus, LatestSuccess } from '../ledger/BackupRecord';
import { checkRestoreGuard } from '../restore/restoreGuard';

const statuses: readonly BackupStatus[] = [
  'Starting',
  'InProgress',
  'Succeeded',
  'Failed',
  'Unknown',
];

/** `GET /api/backups?status=&limit=&next=`: the ledger, newest first, with restorability. */
export async function backupListView(services: AppServices, request: HttpRequest) {
  refuseUnknownQuery(request, ['status', 'limit', 'next']);
  const query = queryOf(request);
  const statusText = query.get('status');
  if (statusText !== null && !(statuses as readonly string[]).includes(statusText)) {
    throw new ApiError(400, 'InvalidParameter', `"status" must be one of ${statuses.join(', ')}.`);
  }
  const limitText = query.get('limit') ?? '20';
  if (!/^\d{1,3}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100) {
    throw new ApiError(400, 'InvalidParameter', '"limit" must be a whole number from 1 to 100.');
  }
  const next = query.get('next') ?? undefined;
  if (next !== undefined && !/^[A-Za-z0-9+/=_-]{1,1024}$/.test(next)) {
    throw new ApiError(
      400,
      'InvalidParameter',
      '"next" must be the value a previous page returned.',
    );
  }
  const hsmName = services.config.hsm.name;
  let page;
  try {
    page = await services.ledger.pageBackups(hsmName, {
      status: (statusText ?? undefined) as BackupStatus | undefined,
      pageSize: Number(limitText),
      continuationToken: next,
    });
  } catch (error) {
    if (next !== undefined && !(error instanceof ApiError)) {
      throw new ApiError(
        400,
        'InvalidParameter',
        '"next" is not a continuation this API gave out.',
      );
    }
    throw error;
  }
  const latest = await services.ledger.latestSuccess(hsmName);
  const at = now();
  return {
    hsm: hsmName,
    backups: page.records.map((record) => ({
      folder: record.folder ?? null,
      status: record.status,
      trigger: record.trigger,
      occurrence: record.occurrence.toISOString(),
      requestedBy: record.requestedBy ?? null,
      jobId: record.jobId ?? null,
      startTime: record.startTime?.toISOString() ?? null,
      endTime: record.endTime?.toISOString() ?? null,
      blobCount: record.blobCount ?? null,
      byteCount: record.byteCount ?? null,
      failureCode: record.failureCode ?? null,
      failureReason: record.failureReason ?? null,
      prunedAt: record.prunedAt?.toISOString() ?? null,
      restorable: restorability(record, latest, at, services.config.restore.maxBackupAgeMs),
    })),
    next: page.continuationToken ?? null,
  };
}

function restorability(
  record: BackupRecord,
  latest: LatestSuccess | undefined,
  at: Date,
  maxAgeMs: number,
): { now: boolean; reason: string | null } {
  if (record.status !== 'Succeeded' || !record.folder) {
    return { now: false, reason: `the backup is recorded as ${record.status}` };
  }
  if (record.prunedAt) return { now: false, reason: `pruned at ${record.prunedAt.toISOString()}` };
  const verdict = checkRestoreGuard(latest, at, maxAgeMs);
  if (!verdict.allowed) {
    return {
      now: false,
      reason:
        `a full restore needs a backup from the last ${maxAgeMs / 60_000} minutes: send ` +
        `"backupFirst": true`,
    };
  }
  return { now: true, reason: null };
}
