/**
 * The retention policy as data: how many calendar buckets each rule keeps, and a window. A backup
 * is kept when any rule keeps it. A rule left undefined or set to 0 is off.
 */
export type RuleCount = number | 'unlimited';

export interface RetentionPolicy {
  /** The newest N successful backups. */
  readonly keepLast?: RuleCount;
  /** The newest backup of each of the N most recent UTC hours that have one. */
  readonly keepHourly?: RuleCount;
  /** The newest backup of each of the N most recent UTC days that have one. */
  readonly keepDaily?: RuleCount;
  /** The newest backup of each of the N most recent ISO weeks (Monday start, UTC) that have one. */
  readonly keepWeekly?: RuleCount;
  /** The newest backup of each of the N most recent UTC calendar months that have one. */
  readonly keepMonthly?: RuleCount;
  /** The newest backup of each of the N most recent UTC calendar years that have one. */
  readonly keepYearly?: RuleCount;
  /** Every backup made at most this long before the newest successful backup. */
  readonly keepWithinMs?: number;
}

/** Applies when no RETENTION_KEEP_* setting is set; any one of them replaces it as a whole. */
export const defaultRetentionPolicy: RetentionPolicy = {
  keepLast: 7,
  keepDaily: 7,
  keepWeekly: 4,
  keepMonthly: 12,
};

/** The policy plus the limits around it, as the configuration holds them. */
export interface RetentionSettings extends RetentionPolicy {
  /** Whether the policy is the default one or what the RETENTION_KEEP_* settings say. */
  readonly policySource: 'default' | 'settings';
  /** Hard cap: backups more than this many days older than the newest go, floors excepted. */
  readonly maxAgeDays?: number;
  /** At most this many folders are deleted in one run; the rest wait for later runs. */
  readonly maxDeletionsPerRun: number;
  /** How much older than the newest successful backup a failed or unrecorded folder must be. */
  readonly cleanupGraceMs: number;
  /** Whether folders of this HSM that the ledger does not know are deleted (after the grace). */
  readonly includeUnrecorded: boolean;
  /** Plan and log every run, delete nothing: for watching a new policy before trusting it. */
  readonly dryRun?: boolean;
}

/** A folder that must never be deleted whatever the policy says, and why. */
export interface ProtectedFolder {
  readonly folder: string;
  /** In words, e.g. "safety backup of the latest restore". */
  readonly reason: string;
}
