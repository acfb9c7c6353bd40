import type { BackupTrigger } from './BackupRecord';

/**
 * Row keys sort ascending, and a query returns the lowest key first, so times are written
 * inverted: the newest row comes first and "the latest" is a top-1 query.
 */
const maxMs = 9_999_999_999_999;

export function invertedTime(time: Date): string {
  return String(maxMs - time.getTime()).padStart(13, '0');
}

export function timeFromInverted(text: string): Date {
  return new Date(maxMs - Number(text));
}

export const backupRowPrefix = 'backup_';
export const successRowPrefix = 'success_';

/** The attempt id of an occurrence: the same occurrence always yields the same id. */
export function attemptIdFor(occurrence: Date, trigger: BackupTrigger): string {
  return `${invertedTime(occurrence)}_${trigger}`;
}

export function backupRowKey(attemptId: string): string {
  return `${backupRowPrefix}${attemptId}`;
}

export function successRowKey(endTime: Date, attemptId: string): string {
  return `${successRowPrefix}${invertedTime(endTime)}_${attemptId}`;
}

/** An OData filter selecting one row-key family of one partition. */
export function rowFamilyFilter(partition: string, prefix: string): string {
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return (
    `PartitionKey eq '${escapeOData(partition)}' and ` +
    `RowKey ge '${escapeOData(prefix)}' and RowKey lt '${escapeOData(upper)}'`
  );
}

export function escapeOData(value: string): string {
  return value.replace(/'/g, "''");
}
