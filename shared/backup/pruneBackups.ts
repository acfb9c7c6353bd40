import { now } from '../app/clock';
import type { AppServices } from '../app/appServices';
import type { Logger } from '../log/Logger';
import { policyRules } from '../retention/describePolicy';
import { planRetention, type PlanEntry } from '../retention/planRetention';
import { readRetentionPlanInput } from '../retention/readRetentionInputs';
import { previewOfPlan, renderRetentionPreview } from '../retention/retentionPreview';
import { deleteFolder } from '../storage/deleteFolder';
import { reportPruneCompleted } from '../telemetry/pruneTelemetry';
import type { PruneInput, PruneSummary } from './BackupCycle';

/**
 * Applies retention to one HSM: plans from the ledger and one listing of the container (a pure
 * plan, see planRetention), then deletes the planned folders, no more than the per-run cap,
 * oldest first. A ledger row is marked pruned only once a fresh listing shows no blob of its
 * folder left; a folder the service refuses to delete (immutability, legal hold) stays, its row
 * is marked held with the code, and the next run tries again.
 */
export async function pruneBackups(
  services: AppServices,
  input: PruneInput,
  log: Logger,
): Promise<PruneSummary> {
  const { ledger, storage, config } = services;
  const hsm = input.hsmName;
  const plan = planRetention(
    await readRetentionPlanInput(services, hsm, input.protectedFolders ?? []),
  );
  const rules = policyRules(config.retention).map((r) => `${r.rule} ${r.value}`);
  const kept = plan.entries.filter((e) => e.kind === 'backup' && e.action === 'keep').length;
  log.info(
    `Retention for ${hsm} (instance ${input.instanceId}, policy ${rules.join(', ')}): ` +
      `${kept} backups kept, ${plan.deletions.length} folders to delete now, ` +
      `${plan.deferred} deferred.`,
  );
  for (const warning of plan.warnings) log.warn(`Retention for ${hsm}: ${warning}`);
  if (config.retention.dryRun) {
    // Dry run: say exactly what this run would do, then do none of it.
    log.info(
      `Retention dry run (RETENTION_DRY_RUN=true), nothing ` +
        `deleted:\n${renderRetentionPreview(previewOfPlan(plan, config.retention))}`,
    );
    const unrecorded = plan.entries.flatMap((e) =>
      e.kind === 'unrecorded' && e.folder ? [e.folder] : [],
    );
    return {
      kept,
      prunedFolders: [],
      blobsDeleted: 0,
      heldFolders: [],
      failedFolders: [],
      cleanedFolders: [],
      deferred: plan.deletions.length + plan.deferred,
      unrecordedFolders: unrecorded,
      dryRun: true,
    };
  }

  const prunedFolders: string[] = [];
  const cleanedFolders: string[] = [];
  const heldFolders: { folder: string; code: string }[] = [];
  const failedFolders: { folder: string; reason: string }[] = [];
  let blobsDeleted = 0;
  for (const entry of plan.deletions) {
    if (entry.folder === undefined) continue;
    const folder = entry.folder;
    const result = await deleteFolder(storage.container, folder);
    blobsDeleted += result.deleted;
    const row = rowOf(entry);
    if (result.remaining === 0) {
      if (row) await ledger.markPruned(hsm, row, now());
      (entry.kind === 'backup' ? prunedFolders : cleanedFolders).push(folder);
      log.info(
        `Retention: deleted ${folder} (${result.deleted} blobs, ${result.alreadyGone} already ` +
          `gone): ${entry.reasons.join('; ')}.`,
      );
    } else if (result.heldCount > 0) {
      const code = result.held[0]?.code ?? 'Held';
      if (row) await ledger.markHeld(hsm, row, code, now());
      heldFolders.push({ folder, code });
      log.warn(
        `Retention: the service refused to delete ${result.heldCount} blobs of ${folder} ` +
          `(${code}: an immutability policy or legal hold); the folder stays, its ledger row is ` +
          `marked held, and the next run tries again.`,
      );
    } else {
      const reason = result.failed[0]?.code ?? `${result.remaining} blobs still listed`;
      failedFolders.push({ folder, reason });
      log.warn(
        `Retention: could not fully delete ${folder} (${reason}; ${result.remaining} blobs ` +
          `left); the next run tries again.`,
      );
    }
  }

  const unrecordedFolders = plan.entries.flatMap((e) =>
    e.kind === 'unrecorded' && e.folder !== undefined ? [e.folder] : [],
  );
  log.info(
    `Retention for ${hsm} done: kept ${kept}, pruned ${prunedFolders.length}, cleaned ` +
      `${cleanedFolders.length}, held ${heldFolders.length}, failed ${failedFolders.length}, ` +
      `deferred ${plan.deferred}, unrecorded ${unrecordedFolders.length}.`,
  );
  return reportPruneCompleted(log, input, {
    kept,
    prunedFolders,
    blobsDeleted,
    heldFolders,
    failedFolders,
    cleanedFolders,
    deferred: plan.deferred,
    unrecordedFolders,
  });
}

/** The ledger row a deleted folder belongs to: a backup's or a failed attempt's. */
function rowOf(entry: PlanEntry): string | undefined {
  return entry.kind === 'backup' || entry.kind === 'failed' ? entry.attemptId : undefined;
}
