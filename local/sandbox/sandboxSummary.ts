import type { AppServices } from '../../shared/app/appServices';
import { parseBackupFolder } from '../../shared/storage/backupFolderName';

/** The `--json` output: the ledger and the container as they are when the sandbox exits. */
export interface SandboxSummary {
  readonly hsm: string;
  readonly backups: readonly {
    readonly folder: string | null;
    readonly status: 'Succeeded' | 'Failed' | 'Unknown';
    readonly jobId: string | null;
    readonly prunedAt: string | null;
  }[];
  readonly containerFolders: readonly string[];
}

export async function readSummary(services: AppServices): Promise<SandboxSummary> {
  const hsm = services.config.hsm.name;
  const rows = [];
  for await (const record of services.ledger.listBackups(hsm)) rows.push(record);
  rows.reverse();
  const backups = rows.map((record) => ({
    folder: record.folder ?? null,
    // A row still starting or in progress at exit has no known outcome.
    status:
      record.status === 'Succeeded' || record.status === 'Failed'
        ? record.status
        : ('Unknown' as const),
    jobId: record.jobId ?? null,
    prunedAt: record.prunedAt?.toISOString() ?? null,
  }));
  const containerFolders: string[] = [];
  if (await services.storage.container.exists()) {
    for await (const item of services.storage.container.listBlobsByHierarchy('/')) {
      if (item.kind !== 'prefix') continue;
      const folder = item.name.replace(/\/$/, '');
      if (parseBackupFolder(folder, hsm)) containerFolders.push(folder);
    }
  }
  return { hsm, backups, containerFolders: containerFolders.sort() };
}

export function formatSummary(summary: SandboxSummary): string {
  const lines = [`Backups of ${summary.hsm} in the ledger (oldest first):`];
  for (const backup of summary.backups) {
    const pruned = backup.prunedAt ? `  pruned ${backup.prunedAt}` : '';
    lines.push(
      `  ${backup.status.padEnd(9)} ${backup.folder ?? '(no folder)'}  job ` +
        `${backup.jobId ?? '-'}${pruned}`,
    );
  }
  if (summary.backups.length === 0) lines.push('  (none)');
  lines.push(`Folders in the container: ${summary.containerFolders.length}`);
  for (const folder of summary.containerFolders) lines.push(`  ${folder}`);
  return lines.join('\n');
}
