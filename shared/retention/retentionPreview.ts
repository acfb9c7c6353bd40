import { formatDuration } from '../config/duration';
import { describePolicy, policyRules, type PolicyRuleSetting } from './describePolicy';
import {
  planRetention,
  type EntryKind,
  type PlanAction,
  type RetentionPlan,
  type RetentionPlanInput,
} from './planRetention';
import type { ProtectedFolder, RetentionSettings } from './RetentionPolicy';

/** What a retention run would do, as plain JSON (times as ISO strings, absent values null). */
export interface RetentionPreview {
  readonly hsm: string;
  readonly policy: {
    readonly source: 'default' | 'settings';
    readonly rules: readonly PolicyRuleSetting[];
    readonly maxAgeDays: number | null;
    readonly maxDeletionsPerRun: number;
    readonly cleanupGrace: string;
    readonly includeUnrecorded: boolean;
    /** The policy in plain words, one sentence a line. */
    readonly words: readonly string[];
  };
  /** Ages, windows and graces are measured from this time; null: no successful backup yet. */
  readonly newestSuccessfulBackup: string | null;
  readonly totals: Readonly<Record<PlanAction, number>> & { readonly prunedRows: number };
  /** Newest first: every ledger row not yet pruned and every folder of the HSM in the container. */
  readonly entries: readonly PreviewEntry[];
  readonly warnings: readonly string[];
}

export interface PreviewEntry {
  readonly action: PlanAction;
  readonly kind: EntryKind;
  readonly time: string;
  readonly folder: string | null;
  readonly inContainer: boolean;
  readonly attemptId: string | null;
  readonly status: string | null;
  readonly held: string | null;
  readonly reasons: readonly string[];
}

/** Plans retention (pure, no deletion) and describes the plan: the preview endpoint's body. */
export function buildRetentionPreview(input: RetentionPlanInput): RetentionPreview {
  return previewOfPlan(planRetention(input), input.settings, input.protectedFolders);
}

/** The preview of a plan already made (a prune logs the plan it carries out). */
export function previewOfPlan(
  plan: RetentionPlan,
  settings: RetentionSettings,
  protectedFolders: readonly ProtectedFolder[] = [],
): RetentionPreview {
  const totals = { keep: 0, delete: 0, defer: 0, none: 0 };
  for (const entry of plan.entries) totals[entry.action] += 1;
  return {
    hsm: plan.hsmName,
    policy: {
      source: settings.policySource,
      rules: policyRules(settings),
      maxAgeDays: settings.maxAgeDays ?? null,
      maxDeletionsPerRun: settings.maxDeletionsPerRun,
      cleanupGrace: formatDuration(settings.cleanupGraceMs),
      includeUnrecorded: settings.includeUnrecorded,
      words: describePolicy(settings, protectedFolders),
    },
    newestSuccessfulBackup: plan.referenceTime?.toISOString() ?? null,
    totals: { ...totals, prunedRows: plan.prunedRows },
    entries: plan.entries.map((entry) => ({
      action: entry.action,
      kind: entry.kind,
      time: entry.time.toISOString(),
      folder: entry.folder ?? null,
      inContainer: entry.inContainer,
      attemptId: entry.attemptId ?? null,
      status: entry.status ?? null,
      held: entry.heldCode ?? null,
      reasons: entry.reasons,
    })),
    warnings: plan.warnings,
  };
}

/** The preview as plain text: the policy in words, then one line per entry, then warnings. */
export function renderRetentionPreview(preview: RetentionPreview): string {
  const { totals } = preview;
  const lines = [`Retention preview for ${preview.hsm}`, '', 'Policy:'];
  lines.push(...preview.policy.words.map((line) => `  ${line}`), '');
  lines.push(
    preview.newestSuccessfulBackup
      ? `Newest successful backup: ${shortTime(preview.newestSuccessfulBackup)} UTC; windows, ` +
          `ages and graces are measured from it.`
      : 'No successful backup yet: nothing would be deleted.',
  );
  lines.push(
    `Plan: keep ${totals.keep}, delete ${totals.delete}, deferred ${totals.defer}, ` +
      `no folder ${totals.none}; ${totals.prunedRows} ledger rows already pruned (not listed).`,
  );
  const widths = { folder: 0, status: 0 };
  for (const entry of preview.entries) {
    widths.folder = Math.max(widths.folder, (entry.folder ?? '(no folder)').length);
    widths.status = Math.max(widths.status, statusOf(entry).length);
  }
  for (const entry of preview.entries) {
    const held = entry.held ? `held by the service (${entry.held}); ` : '';
    lines.push(
      `  ${entry.action.padEnd(6)}  ${shortTime(entry.time)}  ` +
        `${(entry.folder ?? '(no folder)').padEnd(widths.folder)}  ` +
        `${statusOf(entry).padEnd(widths.status)}  ${held}${entry.reasons.join('; ')}`,
    );
  }
  if (preview.entries.length === 0) lines.push('  (no backups and no folders)');
  if (preview.warnings.length > 0) {
    lines.push('', 'Warnings:', ...preview.warnings.map((warning) => `  - ${warning}`));
  }
  return lines.join('\n') + '\n';
}

function statusOf(entry: PreviewEntry): string {
  return entry.status ?? (entry.kind === 'unrecorded' ? 'unrecorded' : '-');
}

/** `2026-03-04 02:00:00.120`: an ISO time, shorter; whole seconds lose the fraction. */
function shortTime(iso: string): string {
  return iso
    .replace('T', ' ')
    .replace(/Z$/, '')
    .replace(/\.000$/, '');
}
