import {
  RestError,
  TableTransaction,
  type TableClient,
  type TableEntity,
} from '@azure/data-tables';
import type { BackupRecord, LatestSuccess } from './BackupRecord';
import type { LedgerTable } from './LedgerTable';
import {
  escapeOData,
  backupRowKey,
  backupRowPrefix,
  rowFamilyFilter,
  successRowKey,
  successRowPrefix,
} from './rowKeys';

type Entity = TableEntity<Record<string, unknown>>;

/**
 * The record of every backup attempt, one partition per HSM. It is the source of truth for the
 * restore guard and for retention. Rows are never deleted; pruning marks them.
 *
 * Row families in a partition:
 * - `backup_<inverted occurrence>_<trigger>`: one row per attempt, newest first;
 * - `success_<inverted endTime>_<attempt id>`: one row per successful backup, written in the
 *   same transaction as the attempt's outcome, so "latest success" is a top-1 range query.
 */
export class BackupLedger {
  private readonly table: TableClient;

  constructor(private readonly ledger: LedgerTable) {
    this.table = ledger.client;
  }

  ensureTable(): Promise<void> {
    return this.ledger.ready();
  }

  async getBackup(hsmName: string, attemptId: string): Promise<BackupRecord | undefined> {
    await this.ensureTable();
    try {
      const entity = await this.table.getEntity<Record<string, unknown>>(
        hsmName,
        backupRowKey(attemptId),
      );
      return fromEntity(entity);
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /**
   * Adds the row of a new attempt. If the attempt already has a row (a re-run after a crash, or a
   * duplicate trigger), returns that row instead, untouched.
   */
  async createBackup(record: BackupRecord): Promise<{ created: boolean; record: BackupRecord }> {
    await this.ensureTable();
    try {
      await this.table.createEntity(toEntity(record));
      return { created: true, record };
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
      const existing = await this.getBackup(record.hsmName, record.attemptId);
      if (!existing) throw error;
      return { created: false, record: existing };
    }
  }

  /** Replaces an attempt's row; a successful outcome also adds its success index row. */
  async saveBackup(record: BackupRecord): Promise<void> {
    await this.ensureTable();
    if (record.status !== 'Succeeded' || !record.endTime || !record.folder) {
      await this.table.upsertEntity(toEntity(record), 'Replace');
      return;
    }
    const transaction = new TableTransaction();
    transaction.upsertEntity(toEntity(record), 'Replace');
    transaction.upsertEntity(
      {
        partitionKey: record.hsmName,
        rowKey: successRowKey(record.endTime, record.attemptId),
        attemptId: record.attemptId,
        folder: record.folder,
        endTime: record.endTime,
      },
      'Replace',
    );
    await this.table.submitTransaction(transaction.actions);
  }

  /** The newest successful backup by completion time, in one request. */
  async latestSuccess(hsmName: string): Promise<LatestSuccess | undefined> {
    await this.ensureTable();
    const pages = this.table
      .listEntities<Record<string, unknown>>({
        queryOptions: { filter: rowFamilyFilter(hsmName, successRowPrefix) },
      })
      .byPage({ maxPageSize: 1 });
    for await (const page of pages) {
      const row = page[0];
      if (!row) continue;
      return {
        attemptId: String(row.attemptId),
        folder: String(row.folder),
        endTime: asDate(row.endTime) ?? new Date(0),
      };
    }
    return undefined;
  }

  /** The attempt that produced a folder, if the ledger knows it. */
  async findByFolder(hsmName: string, folder: string): Promise<BackupRecord | undefined> {
    await this.ensureTable();
    const filter =
      `${rowFamilyFilter(hsmName, backupRowPrefix)} ` + `and folder eq '${escapeOData(folder)}'`;
    for await (const row of this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter },
    })) {
      return fromEntity(row);
    }
    return undefined;
  }

  /**
   * One page of an HSM's attempts, newest first, optionally of one status. The continuation token
   * is the table service's own, passed through opaquely.
   */
  async pageBackups(
    hsmName: string,
    options: { status?: BackupRecord['status']; pageSize: number; continuationToken?: string },
  ): Promise<{ records: BackupRecord[]; continuationToken?: string }> {
    await this.ensureTable();
    const status = options.status ? ` and status eq '${escapeOData(options.status)}'` : '';
    const pages = this.table
      .listEntities<Record<string, unknown>>({
        queryOptions: { filter: rowFamilyFilter(hsmName, backupRowPrefix) + status },
      })
      .byPage({ maxPageSize: options.pageSize, continuationToken: options.continuationToken });
    for await (const page of pages) {
      return { records: page.map(fromEntity), continuationToken: page.continuationToken };
    }
    return { records: [] };
  }

  /** Every attempt of an HSM, newest occurrence first, streamed. */
  async *listBackups(hsmName: string): AsyncIterable<BackupRecord> {
    await this.ensureTable();
    const rows = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: rowFamilyFilter(hsmName, backupRowPrefix) },
    });
    for await (const row of rows) yield fromEntity(row);
  }

  /**
   * Records that an occurrence was skipped because another operation held the HSM. A skip is not
   * an attempt (nothing was sent to the HSM), so it lives in its own `skip_` rows.
   */
  async recordSkip(skip: {
    hsmName: string;
    attemptId: string;
    occurrence: Date;
    instanceId: string;
    reason: string;
  }): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity(
      {
        partitionKey: skip.hsmName,
        rowKey: `skip_${skip.attemptId}`,
        occurrence: skip.occurrence,
        instanceId: skip.instanceId,
        reason: skip.reason,
      },
      'Replace',
    );
  }

  /** Marks a backup pruned, leaving its status as the service reported it. */
  async markPruned(hsmName: string, attemptId: string, prunedAt: Date): Promise<void> {
    await this.ensureTable();
    await this.table.updateEntity(
      { partitionKey: hsmName, rowKey: backupRowKey(attemptId), prunedAt },
      'Merge',
    );
  }

  /** Marks a backup's folder held by the service (immutability, legal hold) with its code. */
  async markHeld(
    hsmName: string,
    attemptId: string,
    heldCode: string,
    heldAt: Date,
  ): Promise<void> {
    await this.ensureTable();
    await this.table.updateEntity(
      { partitionKey: hsmName, rowKey: backupRowKey(attemptId), heldCode, heldAt },
      'Merge',
    );
  }
}

function toEntity(record: BackupRecord): Entity {
  const entity: Entity = { partitionKey: record.hsmName, rowKey: backupRowKey(record.attemptId) };
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined && key !== 'hsmName') entity[key] = value;
  }
  return entity;
}

function fromEntity(entity: Record<string, unknown>): BackupRecord {
  const text = (key: string) =>
    typeof entity[key] === 'string' ? (entity[key] as string) : undefined;
  const count = (key: string) =>
    typeof entity[key] === 'number' ? (entity[key] as number) : undefined;
  return {
    hsmName: String(entity.partitionKey),
    attemptId: String(entity.attemptId),
    trigger: text('trigger') as BackupRecord['trigger'],
    occurrence: asDate(entity.occurrence) ?? new Date(0),
    instanceId: text('instanceId') ?? '',
    requestedBy: text('requestedBy'),
    status: text('status') as BackupRecord['status'],
    jobId: text('jobId'),
    folder: text('folder'),
    folderUrl: text('folderUrl'),
    startTime: asDate(entity.startTime),
    endTime: asDate(entity.endTime),
    failureCode: text('failureCode'),
    failureReason: text('failureReason'),
    blobCount: count('blobCount'),
    byteCount: count('byteCount'),
    prunedAt: asDate(entity.prunedAt),
    startAnswerLostAt: asDate(entity.startAnswerLostAt),
    heldCode: text('heldCode'),
    heldAt: asDate(entity.heldAt),
    createdAt: asDate(entity.createdAt) ?? new Date(0),
  };
}

function asDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value);
  return undefined;
}
