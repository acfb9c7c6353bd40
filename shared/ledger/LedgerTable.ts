import type { TableClient } from '@azure/data-tables';

/**
 * The ledger's table, created once per process on first use. Every ledger view (backups, restores,
 * the operation lock) shares one of these, so the table is created by whichever is used first.
 */
export class LedgerTable {
  private created?: Promise<void>;

  constructor(readonly client: TableClient) {}

  /** Resolves once the table exists; an existing table is the expected case. */
  ready(): Promise<void> {
    this.created ??= this.client.createTable().catch((error: unknown) => {
      this.created = undefined;
      throw error;
    });
    return this.created;
  }
}
