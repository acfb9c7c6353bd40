import type { TableEntity } from '@azure/data-tables';
import type { LedgerTable } from './LedgerTable';
import type { RestoreRecord } from './RestoreRecord';
import { escapeOData, invertedTime, rowFamilyFilter } from './rowKeys';

const restoreRowPrefix = 'restore_';

/**
 * Restore rows (`restore_<inverted request time>_<instance id>`) beside the backup rows of the
 * same HSM partition, newest first. Written by the restore orchestration at each step.
 */
export class RestoreLedger {
  constructor(private readonly ledger: LedgerTable) {}

  async save(record: RestoreRecord): Promise<void> {
    await this.ledger.ready();
    const entity: TableEntity<Record<string, unknown>> = {
      partitionKey: record.hsmName,
      rowKey: rowKeyOf(record),
    };
    for (const [key, value] of Object.entries(record)) {
      if (value !== undefined && key !== 'hsmName') entity[key] = value;
    }
    await this.ledger.client.upsertEntity(entity, 'Replace');
  }

  async get(
    hsmName: string,
    requestedAt: Date,
    instanceId: string,
  ): Promise<RestoreRecord | undefined> {
    await this.ledger.ready();
    const key = rowKeyOf({ requestedAt, instanceId });
    const filter = `PartitionKey eq '${escapeOData(hsmName)}' and RowKey eq '${escapeOData(key)}'`;
    for await (const row of this.ledger.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter },
    })) {
      return fromEntity(row);
    }
    return undefined;
  }

  /** The newest restore request of an HSM, in one request. */
  async latest(hsmName: string): Promise<RestoreRecord | undefined> {
    await this.ledger.ready();
    const pages = this.ledger.client
      .listEntities<Record<string, unknown>>({
        queryOptions: { filter: rowFamilyFilter(hsmName, restoreRowPrefix) },
      })
      .byPage({ maxPageSize: 1 });
    for await (const page of pages) {
      if (page[0]) return fromEntity(page[0]);
    }
    return undefined;
  }
}

function rowKeyOf(record: Pick<RestoreRecord, 'requestedAt' | 'instanceId'>): string {
  return `${restoreRowPrefix}${invertedTime(record.requestedAt)}_${record.instanceId}`;
}

function fromEntity(row: Record<string, unknown>): RestoreRecord {
  const text = (key: string) => (typeof row[key] === 'string' ? (row[key] as string) : undefined);
  const date = (key: string) => (row[key] instanceof Date ? (row[key] as Date) : undefined);
  return {
    hsmName: String(row.partitionKey),
    instanceId: String(row.instanceId),
    kind: row.kind === 'key' ? 'key' : 'full',
    keyName: text('keyName'),
    folder: String(row.folder),
    requestedBy: text('requestedBy'),
    requestedAt: date('requestedAt') ?? new Date(0),
    status: (text('status') ?? 'Unknown') as RestoreRecord['status'],
    safetyBackupFolder: text('safetyBackupFolder'),
    jobId: text('jobId'),
    startTime: date('startTime'),
    endTime: date('endTime'),
    failureReason: text('failureReason'),
    backupAccessAfterRestore: text('backupAccessAfterRestore'),
  };
}
