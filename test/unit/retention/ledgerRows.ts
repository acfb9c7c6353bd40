import type { RetentionRecord } from '../../../shared/retention/RetentionRecord';
import type { RetentionSettings } from '../../../shared/retention/RetentionPolicy';
import { day, minute } from './arbitraries';

/** Day 0 is Mon 2026-03-02; attempts occur at 02:00 UTC. */
const start = Date.UTC(2026, 2, 2, 2);

export function at(dayIndex: number, offsetMs = 0): Date {
  return new Date(start + dayIndex * day + offsetMs);
}

export function folderAt(time: Date, hsm = 'contoso'): string {
  return `mhsm-${hsm}-${time
    .toISOString()
    .replace(/[-T:.Z]/g, '')
    .slice(0, 16)}`;
}

function attempt(dayIndex: number): RetentionRecord {
  return {
    attemptId: `d${dayIndex}`,
    status: 'Starting',
    occurrence: at(dayIndex),
    createdAt: at(dayIndex, 2000),
  };
}

/** A successful backup whose folder was received 12 s after the occurrence. */
export function succeeded(dayIndex: number, changes: Partial<RetentionRecord> = {}) {
  const folderTime = at(dayIndex, 12_000);
  return {
    ...attempt(dayIndex),
    status: 'Succeeded',
    jobId: `job${dayIndex}`,
    folder: folderAt(folderTime),
    startTime: new Date(Math.floor(folderTime.getTime() / 1000) * 1000),
    endTime: at(dayIndex, 10 * minute),
    ...changes,
  } satisfies RetentionRecord;
}

/** A job the service ran and reported failed; the ledger has no folder for it. */
export function failedJob(dayIndex: number, changes: Partial<RetentionRecord> = {}) {
  const { folder: _folder, ...rest } = succeeded(dayIndex);
  return {
    ...rest,
    status: 'Failed',
    failureCode: 'JobFailed',
    ...changes,
  } satisfies RetentionRecord;
}

/** The folder a job of that day wrote (its name carries the request's receipt time). */
export function jobFolder(dayIndex: number): string {
  return folderAt(at(dayIndex, 12_000));
}

export function unknown(dayIndex: number, failureCode = 'DeadlinePassed') {
  return {
    ...attempt(dayIndex),
    status: 'Unknown',
    jobId: `job${dayIndex}`,
    failureCode,
  } satisfies RetentionRecord;
}

export function refusedAsBusy(dayIndex: number) {
  return {
    ...attempt(dayIndex),
    status: 'Failed',
    failureCode: 'HsmBusy',
  } satisfies RetentionRecord;
}

export const settings: RetentionSettings = {
  policySource: 'settings',
  keepLast: 2,
  maxDeletionsPerRun: 10,
  cleanupGraceMs: 7 * day,
  includeUnrecorded: false,
};
