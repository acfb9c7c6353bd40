import type { PlanEntry } from './planRetention';

/** What an operator should hear about a plan, beyond the entries: in words, one line each. */
export function planWarnings(
  hsmName: string,
  entries: readonly PlanEntry[],
  counts: { referenceTime?: Date; due: number; now: number; cap: number },
): string[] {
  const warnings: string[] = [];
  const folders = (list: readonly PlanEntry[]) => list.map((e) => e.folder).join(', ');
  if (!counts.referenceTime) {
    warnings.push('No successful backup in the ledger: nothing is deleted.');
  }
  if (counts.due > counts.now) {
    warnings.push(
      `${quantity(counts.due, 'folder is', 'folders are')} due for deletion; ${counts.now} go ` +
        `in this run and ${counts.due - counts.now} wait for later runs ` +
        `(RETENTION_MAX_DELETIONS_PER_RUN=${counts.cap}).`,
    );
  }
  const unrecorded = entries.filter((e) => e.kind === 'unrecorded');
  if (unrecorded.length > 0) {
    warnings.push(
      `${quantity(unrecorded.length, 'folder', 'folders')} of ${hsmName} in the container ` +
        `${unrecorded.length === 1 ? 'is' : 'are'} not in the ledger as backups: ` +
        `${folders(unrecorded)}.`,
    );
  }
  const missing = entries.filter(
    (e) => e.kind === 'backup' && e.action === 'keep' && !e.inContainer,
  );
  if (missing.length > 0) {
    warnings.push(
      `${quantity(missing.length, 'kept backup has', 'kept backups have')} no blobs in the ` +
        `container: ${folders(missing)}.`,
    );
  }
  const held = entries.filter((e) => e.heldCode && e.action !== 'keep');
  if (held.length > 0) {
    const codes = held.map((e) => `${e.folder}: ${e.heldCode}`).join(', ');
    warnings.push(
      `${quantity(held.length, 'folder was', 'folders were')} refused deletion by the service ` +
        `before (${codes}); tried again after the others.`,
    );
  }
  return warnings;
}

function quantity(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
