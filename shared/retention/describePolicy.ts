import { formatDuration } from '../config/duration';
import type { ProtectedFolder, RetentionSettings } from './RetentionPolicy';
import { isRuleOn, retentionRules } from './retentionRules';

/** One rule that is on, as the settings write it. */
export interface PolicyRuleSetting {
  readonly rule: string;
  readonly setting: string;
  readonly value: string;
}

/** The rules that are on, in table order, with the setting and value that turned each on. */
export function policyRules(settings: RetentionSettings): PolicyRuleSetting[] {
  return retentionRules
    .filter((rule) => isRuleOn(rule, settings))
    .map((rule) => {
      const value = settings[rule.field];
      return {
        rule: rule.name,
        setting: rule.setting,
        value: rule.kind === 'window' ? formatDuration(Number(value)) : String(value),
      };
    });
}

/** The policy and its limits in plain words, one sentence a line, rules first. */
export function describePolicy(
  settings: RetentionSettings,
  protectedFolders: readonly ProtectedFolder[] = [],
): string[] {
  const source =
    settings.policySource === 'default'
      ? 'the default policy (no RETENTION_KEEP_* setting is set)'
      : 'the policy the RETENTION_KEEP_* settings write';
  const lines = [`A successful backup is kept when any rule keeps it; ${source}:`];
  for (const rule of retentionRules) {
    if (!isRuleOn(rule, settings)) continue;
    lines.push(`- ${rule.describe(settings[rule.field] ?? 0)} (${rule.setting});`);
  }
  lines.push(
    'Whatever the rules say, the newest successful backup is never deleted' +
      (protectedFolders.length > 0
        ? `, nor ${protectedFolders.map((p) => `${p.folder} (${p.reason})`).join(', ')}.`
        : '.'),
  );
  lines.push(
    settings.maxAgeDays === undefined
      ? 'There is no age cap (RETENTION_MAX_AGE_DAYS is not set).'
      : `Backups more than ${settings.maxAgeDays} days older than the newest successful backup ` +
          `are deleted even when a rule keeps them (RETENTION_MAX_AGE_DAYS).`,
  );
  const grace = formatDuration(settings.cleanupGraceMs);
  lines.push(
    `Folders of failed backups are deleted once the newest successful backup is ${grace} newer ` +
      `(RETENTION_CLEANUP_GRACE); folders of backups whose outcome is unknown never are.`,
  );
  lines.push(
    settings.includeUnrecorded
      ? `Folders of this HSM that the ledger does not know are deleted after the same grace ` +
          `(RETENTION_INCLUDE_UNRECORDED=true).`
      : 'Folders of this HSM that the ledger does not know are reported, never deleted ' +
          '(RETENTION_INCLUDE_UNRECORDED is not true).',
  );
  lines.push(
    settings.maxDeletionsPerRun === 0
      ? 'Nothing is deleted: RETENTION_MAX_DELETIONS_PER_RUN is 0.'
      : `At most ${settings.maxDeletionsPerRun} folders are deleted per run, oldest first; ` +
          `the rest wait for later runs (RETENTION_MAX_DELETIONS_PER_RUN).`,
  );
  return lines;
}
