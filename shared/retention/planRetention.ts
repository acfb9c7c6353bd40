import { formatDuration } from '../config/duration';
import type { BackupStatus } from '../ledger/BackupRecord';
import { parseBackupFolder } from '../storage/backupFolderName';
import { attributeFolders, describeOutcome } from './attributeFolders';
import {
  byNewestFirst,
  decideRetention,
  newestReason,
  type RetentionCandidate,
} from './decideRetention';
import { planWarnings } from './planWarnings';
import { isDefinitelyFailed, type FolderAtTime, type RetentionRecord } from './RetentionRecord';
import type { ProtectedFolder, RetentionSettings } from './RetentionPolicy';
import type { RuleName } from './retentionRules';

export interface RetentionPlanInput {
  readonly hsmName: string;
  /** Every ledger row of the HSM, pruned ones included. */
  readonly records: readonly RetentionRecord[];
  /** This HSM's folders that hold blobs in the container, from one listing. */
  readonly containerFolders: readonly string[];
  readonly settings: RetentionSettings;
  /** BACKUP_DEADLINE: how long one attempt may keep trying to start and follow its job. */
  readonly backupDeadlineMs: number;
  /** Folders never deleted, e.g. the safety backup of the latest restore. */
  readonly protectedFolders?: readonly ProtectedFolder[];
}

/**
 * - `backup`: a successful backup in the ledger, judged by the policy;
 * - `failed`: the folder of an attempt that definitely failed (or such an attempt without one);
 * - `uncertain`: an attempt whose outcome is not known, or a folder that may be one's;
 * - `unrecorded`: a folder of this HSM that the ledger does not know;
 * - `ignored`: a ledger row whose folder is not a backup folder of this HSM.
 */
export type EntryKind = 'backup' | 'failed' | 'uncertain' | 'unrecorded' | 'ignored';

/** `none`: there is no folder to act on. `defer`: to delete, but over this run's cap. */
export type PlanAction = 'keep' | 'delete' | 'defer' | 'none';

export interface PlanEntry {
  readonly kind: EntryKind;
  readonly action: PlanAction;
  /** The time in the folder name, or the attempt's occurrence when there is no folder. */
  readonly time: Date;
  readonly folder?: string;
  /** Whether the folder holds blobs in the container now. */
  readonly inContainer: boolean;
  readonly attemptId?: string;
  readonly status?: BackupStatus;
  readonly heldCode?: string;
  readonly reasons: readonly string[];
  /** For kept backups: the rules that keep it. */
  readonly rules: readonly RuleName[];
}

export interface RetentionPlan {
  readonly hsmName: string;
  /** The newest successful backup's time: windows, ages and graces are measured from it. */
  readonly referenceTime?: Date;
  /** One per ledger row not yet pruned and per folder in the container, newest first. */
  readonly entries: readonly PlanEntry[];
  /** The entries to delete in this run, in the order to delete them. */
  readonly deletions: readonly PlanEntry[];
  readonly deferred: number;
  /** Ledger rows already pruned (not listed in `entries`). */
  readonly prunedRows: number;
  readonly warnings: readonly string[];
}

/**
 * The whole retention plan for one HSM: the policy over its successful backups, the floors, the
 * age cap, the cleaning of failed attempts' folders after the grace, unrecorded folders, and the
 * per-run deletion cap. Pure: no clock (every age is measured from the newest successful
 * backup), no I/O. With no successful backup at all, nothing is deleted.
 */
export function planRetention(input: RetentionPlanInput): RetentionPlan {
  const { hsmName, settings } = input;
  const present = new Map<string, FolderAtTime>();
  for (const name of input.containerFolders) {
    const parsed = parseBackupFolder(name, hsmName);
    if (parsed) present.set(name, { name, time: parsed.time });
  }
  const live = input.records.filter((record) => !record.prunedAt);
  const entries: PlanEntry[] = [];
  const named = new Set<string>();
  const entry = (fields: Omit<PlanEntry, 'inContainer' | 'rules'> & Partial<PlanEntry>) =>
    entries.push({
      inContainer: fields.folder !== undefined && present.has(fields.folder),
      rules: [],
      ...fields,
    });

  // 1. Successful backups: the policy, the age cap and the floors.
  const candidates: RetentionCandidate[] = [];
  const rowOf = new Map<string, RetentionRecord>();
  for (const record of live.filter((r) => r.status === 'Succeeded')) {
    const parsed = record.folder ? parseBackupFolder(record.folder, hsmName) : undefined;
    if (!parsed) {
      entry({
        kind: 'ignored',
        action: 'none',
        time: record.occurrence,
        attemptId: record.attemptId,
        status: record.status,
        folder: record.folder,
        reasons: [
          `folder "${record.folder ?? ''}" is not a backup folder of ${hsmName}: never touched`,
        ],
      });
      continue;
    }
    candidates.push({ attemptId: record.attemptId, folder: parsed.name, time: parsed.time });
    rowOf.set(record.attemptId, record);
    named.add(parsed.name);
  }
  const protectedFolders = [...(input.protectedFolders ?? []), ...lastCompleted(live, candidates)];
  const decision = decideRetention(candidates, settings, {
    protectedFolders,
    maxAgeMs: settings.maxAgeDays === undefined ? undefined : settings.maxAgeDays * 86_400_000,
  });
  const referenceTime = decision.keep[0]?.backup.time;
  const successEntry = (backup: RetentionCandidate) => {
    const record = rowOf.get(backup.attemptId);
    return {
      kind: 'backup' as const,
      time: backup.time,
      folder: backup.folder,
      attemptId: backup.attemptId,
      status: record?.status,
      heldCode: record?.heldCode,
    };
  };
  const missing = (backup: RetentionCandidate) =>
    present.has(backup.folder) ? [] : ['no blobs of its folder are listed in the container'];
  for (const kept of decision.keep) {
    const reasons = [...kept.reasons, ...missing(kept.backup)];
    entry({ ...successEntry(kept.backup), action: 'keep', reasons, rules: kept.rules });
  }
  for (const { backup, reason } of decision.removed) {
    entry({ ...successEntry(backup), action: 'delete', reasons: [reason, ...missing(backup)] });
  }

  // 2. Folders named by other rows: pruned rows whose blobs are back, and rows that did not
  //    succeed but name a folder that holds blobs.
  const judged = new Set<string>();
  for (const record of input.records) {
    const folder = record.folder ? present.get(record.folder) : undefined;
    if (!folder || named.has(folder.name)) continue;
    named.add(folder.name);
    if (record.prunedAt) {
      const why =
        `its ledger row (attempt ${record.attemptId}) ` + `is marked pruned, yet blobs are listed`;
      entries.push(unrecordedEntry(folder, why, settings, referenceTime));
      continue;
    }
    judged.add(record.attemptId);
    entry({
      kind: 'uncertain',
      action: 'keep',
      time: folder.time,
      folder: folder.name,
      attemptId: record.attemptId,
      status: record.status,
      heldCode: record.heldCode,
      reasons: [
        `recorded as ${describeOutcome(record)}, yet its folder holds blobs: outcome unclear, ` +
          `never deleted`,
      ],
    });
  }

  // 3. Folders no row names: a failed attempt's, maybe an unknown attempt's, or unrecorded.
  const unnamed = [...present.values()].filter((folder) => !named.has(folder.name));
  const attributions = attributeFolders(unnamed, input.records, input.backupDeadlineMs);
  for (const folder of unnamed) {
    const attribution = attributions.get(folder.name) ?? { kind: 'unrecorded' };
    if (attribution.kind === 'unrecorded') {
      entries.push(unrecordedEntry(folder, undefined, settings, referenceTime));
      continue;
    }
    const record = attribution.record;
    if (record && attribution.kind === 'failed') judged.add(record.attemptId);
    entry({
      kind: attribution.kind,
      time: folder.time,
      folder: folder.name,
      attemptId: record?.attemptId,
      status: record?.status,
      heldCode: record?.heldCode,
      ...(attribution.kind === 'failed'
        ? afterGrace(
            folder,
            `folder of failed attempt ${record?.attemptId}`,
            settings,
            referenceTime,
          )
        : { action: 'keep', reasons: [attribution.why, 'outcome unknown: never deleted'] }),
    });
  }

  // 4. Attempts that did not succeed and have no folder entry of their own.
  for (const record of live.filter((r) => r.status !== 'Succeeded' && !judged.has(r.attemptId))) {
    const failed = isDefinitelyFailed(record);
    entry({
      kind: failed ? 'failed' : 'uncertain',
      action: 'none',
      time: record.occurrence,
      attemptId: record.attemptId,
      status: record.status,
      reasons: [
        failed
          ? `failed (${describeOutcome(record)}); no folder in the container is clearly its job's`
          : `${describeOutcome(record)}: no folder of its own; a folder from its time is never ` +
            `deleted`,
      ],
    });
  }

  const floors = new Map(protectedFolders.map((p) => [p.folder, `protected: ${p.reason}`]));
  const newest = decision.keep[0]?.backup.folder;
  if (newest !== undefined) floors.set(newest, newestReason);
  return capDeletions(input, entries, floors, referenceTime);
}

/**
 * The backup the restore guard would pick (the latest to complete) is a floor too. Backups of one
 * HSM run one at a time, so it is the newest by folder time; this covers the case where not.
 */
function lastCompleted(
  live: readonly RetentionRecord[],
  candidates: readonly RetentionCandidate[],
): ProtectedFolder[] {
  const ids = new Set(candidates.map((c) => c.attemptId));
  let latest: RetentionRecord | undefined;
  for (const record of live) {
    if (!ids.has(record.attemptId) || !record.endTime) continue;
    if (!latest?.endTime || record.endTime > latest.endTime) latest = record;
  }
  const newest = [...candidates].sort(byNewestFirst)[0];
  if (!latest?.folder || latest.folder === newest?.folder) return [];
  return [{ folder: latest.folder, reason: 'the latest backup to complete' }];
}

function unrecordedEntry(
  folder: FolderAtTime,
  why: string | undefined,
  settings: RetentionSettings,
  referenceTime: Date | undefined,
): PlanEntry {
  const what = why ? `not a backup in the ledger: ${why}` : 'not in the ledger';
  const verdict = settings.includeUnrecorded
    ? afterGrace(folder, what, settings, referenceTime)
    : {
        action: 'keep' as const,
        reasons: [`${what}; reported only (RETENTION_INCLUDE_UNRECORDED is not true)`],
      };
  return {
    kind: 'unrecorded',
    time: folder.time,
    folder: folder.name,
    inContainer: true,
    rules: [],
    ...verdict,
  };
}

/** Deleted once the newest successful backup is at least the grace newer than the folder. */
function afterGrace(
  folder: FolderAtTime,
  what: string,
  settings: RetentionSettings,
  referenceTime: Date | undefined,
): { action: PlanAction; reasons: string[] } {
  const grace = formatDuration(settings.cleanupGraceMs);
  if (!referenceTime) {
    return {
      action: 'keep',
      reasons: [`${what}; no successful backup yet, so nothing is deleted`],
    };
  }
  if (referenceTime.getTime() - folder.time.getTime() >= settings.cleanupGraceMs) {
    return {
      action: 'delete',
      reasons: [`${what}, ${grace} or more older than the newest backup`],
    };
  }
  return {
    action: 'keep',
    reasons: [`${what}; deleted once the newest successful backup is ${grace} newer`],
  };
}

/**
 * Floors win over every other verdict; then at most `maxDeletionsPerRun` deletions go ahead,
 * oldest first, folders the service held before last (so a held folder cannot starve the rest).
 */
function capDeletions(
  input: RetentionPlanInput,
  planned: readonly PlanEntry[],
  floors: ReadonlyMap<string, string>,
  referenceTime: Date | undefined,
): RetentionPlan {
  const { settings } = input;
  const floored = planned.map((e): PlanEntry => {
    const floor = e.folder !== undefined ? floors.get(e.folder) : undefined;
    if (!floor || e.action !== 'delete') return e;
    return { ...e, action: 'keep', reasons: [floor, ...e.reasons] };
  });
  const cap = settings.maxDeletionsPerRun;
  const toDelete = floored.filter((e) => e.action === 'delete').sort(byDeletionOrder);
  const deletions = toDelete.slice(0, cap);
  const goingNow = new Set(deletions);
  const entries = floored
    .map((e): PlanEntry => {
      if (e.action !== 'delete' || goingNow.has(e)) return e;
      const wait = `deferred to a later run: at most ${cap} folders are deleted per run`;
      return { ...e, action: 'defer', reasons: [...e.reasons, wait] };
    })
    .sort((a, b) => b.time.getTime() - a.time.getTime() || kindOrder(a) - kindOrder(b));
  const deferred = toDelete.length - goingNow.size;

  const warnings = planWarnings(input.hsmName, entries, {
    referenceTime,
    due: toDelete.length,
    now: deletions.length,
    cap,
  });
  assertFloorsKept(input, deletions);
  return {
    hsmName: input.hsmName,
    referenceTime,
    entries,
    deletions,
    deferred,
    prunedRows: input.records.filter((record) => record.prunedAt).length,
    warnings,
  };
}

const kinds: readonly EntryKind[] = ['backup', 'failed', 'uncertain', 'unrecorded', 'ignored'];
function kindOrder(entry: PlanEntry): number {
  return kinds.indexOf(entry.kind);
}

function byDeletionOrder(a: PlanEntry, b: PlanEntry): number {
  return Number(!!a.heldCode) - Number(!!b.heldCode) || a.time.getTime() - b.time.getTime();
}

/**
 * A second, independent look at the floors, straight from the input: a plan that would delete
 * the newest successful backup or a protected folder is a bug, and must never reach storage.
 */
function assertFloorsKept(input: RetentionPlanInput, deletions: readonly PlanEntry[]): void {
  const successful: RetentionCandidate[] = [];
  for (const record of input.records) {
    if (record.status !== 'Succeeded' || record.prunedAt || !record.folder) continue;
    const time = parseBackupFolder(record.folder, input.hsmName)?.time;
    if (time) successful.push({ attemptId: record.attemptId, folder: record.folder, time });
  }
  const newest = successful.sort(byNewestFirst)[0];
  const floors = new Set((input.protectedFolders ?? []).map((p) => p.folder));
  if (newest) floors.add(newest.folder);
  const doomed = deletions.find((d) => d.folder === undefined || floors.has(d.folder));
  if (doomed) {
    throw new Error(`retention plan would delete a protected folder: ${doomed.folder ?? '?'}`);
  }
}
