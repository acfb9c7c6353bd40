import { RestError, type TableEntity } from '@azure/data-tables';
import type { LedgerTable } from './LedgerTable';

/** The one operation an HSM may be doing: a backup (with its pruning) or a restore. */
export type LockedOperation = 'backup' | 'restore';

export interface LockHolder {
  /** The orchestration instance holding the lock. */
  readonly instanceId: string;
  readonly operation: LockedOperation;
  readonly since: Date;
  /** When the lease lapses if its holder never releases it (a crash that never resumes). */
  readonly expiresAt: Date;
  /** What the holder is doing, in words, for the 409 an operator sees. */
  readonly detail?: string;
}

export type LockResult =
  | { readonly acquired: true; readonly holder: LockHolder }
  | { readonly acquired: false; readonly heldBy: LockHolder };

const lockRowKey = 'lock';
const attempts = 5;

/**
 * One operation per HSM at a time, as a leased row in the ledger (partition = HSM, row `lock`),
 * so the lock survives restarts of the app and works the same in Azure and on this machine.
 * Changes are conditional on the row's etag: two contenders can never both win.
 */
export class OperationLock {
  constructor(private readonly ledger: LedgerTable) {}

  /** Takes the lock, renews it for its own holder, or reports who holds it. */
  async acquire(
    hsmName: string,
    want: { instanceId: string; operation: LockedOperation; detail?: string },
    leaseMs: number,
    now: Date,
  ): Promise<LockResult> {
    await this.ledger.ready();
    const table = this.ledger.client;
    const holder: LockHolder = {
      ...want,
      since: now,
      expiresAt: new Date(now.getTime() + leaseMs),
    };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = await this.read(hsmName);
      try {
        if (!current) {
          await table.createEntity(toEntity(hsmName, holder));
          return { acquired: true, holder };
        }
        const mine = current.holder.instanceId === want.instanceId;
        if (!mine && current.holder.expiresAt > now)
          return { acquired: false, heldBy: current.holder };
        const renewed = mine ? { ...holder, since: current.holder.since } : holder;
        await table.updateEntity(toEntity(hsmName, renewed), 'Replace', { etag: current.etag });
        return { acquired: true, holder: renewed };
      } catch (error) {
        // Someone else changed the row between our read and write: read again and decide again.
        if (error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412))
          continue;
        throw error;
      }
    }
    throw new Error(`Could not settle the lock of ${hsmName} after ${attempts} attempts`);
  }

  /** Releases the lock if (and only if) this instance holds it. */
  async release(hsmName: string, instanceId: string): Promise<boolean> {
    await this.ledger.ready();
    const current = await this.read(hsmName);
    if (!current || current.holder.instanceId !== instanceId) return false;
    try {
      await this.ledger.client.deleteEntity(hsmName, lockRowKey, { etag: current.etag });
      return true;
    } catch (error) {
      if (error instanceof RestError && (error.statusCode === 404 || error.statusCode === 412)) {
        return false;
      }
      throw error;
    }
  }

  /** The live holder, if any: an expired lease counts as free. */
  async holder(hsmName: string, now: Date): Promise<LockHolder | undefined> {
    await this.ledger.ready();
    const current = await this.read(hsmName);
    return current && current.holder.expiresAt > now ? current.holder : undefined;
  }

  private async read(hsmName: string): Promise<{ holder: LockHolder; etag: string } | undefined> {
    try {
      const row = await this.ledger.client.getEntity<Record<string, unknown>>(hsmName, lockRowKey);
      return {
        etag: row.etag,
        holder: {
          instanceId: String(row.instanceId),
          operation: row.operation === 'restore' ? 'restore' : 'backup',
          since: new Date(row.since as Date),
          expiresAt: new Date(row.expiresAt as Date),
          detail: typeof row.detail === 'string' ? row.detail : undefined,
        },
      };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }
}

function toEntity(hsmName: string, holder: LockHolder): TableEntity<Record<string, unknown>> {
  const entity: TableEntity<Record<string, unknown>> = {
    partitionKey: hsmName,
    rowKey: lockRowKey,
    instanceId: holder.instanceId,
    operation: holder.operation,
    since: holder.since,
    expiresAt: holder.expiresAt,
  };
  if (holder.detail) entity.detail = holder.detail;
  return entity;
}
