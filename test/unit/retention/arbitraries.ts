import fc from 'fast-check';
import type { RetentionCandidate } from '../../../shared/retention/decideRetention';
import type { RetentionPolicy, RuleCount } from '../../../shared/retention/RetentionPolicy';
import { isEmptyPolicy } from '../../../shared/retention/retentionRules';

export const minute = 60_000;
export const hour = 60 * minute;
export const day = 24 * hour;
const base = Date.UTC(2025, 0, 1);

/** A candidate at `minutes` after 2025-01-01 00:00 UTC, named as the service names folders. */
export function candidateAt(minutes: number): RetentionCandidate {
  const time = new Date(base + minutes * minute);
  const digits = time
    .toISOString()
    .replace(/[-T:.Z]/g, '')
    .slice(0, 14);
  return { attemptId: `a${minutes}`, folder: `mhsm-contoso-${digits}00`, time };
}

/**
 * Backup histories of up to 60 backups over a span of one hour to three years, so that some
 * share an hour or a day and some lie years apart; oldest first.
 */
export const histories = fc
  .integer({ min: 60, max: 3 * 365 * 24 * 60 })
  .chain((spanMinutes) =>
    fc.uniqueArray(fc.integer({ min: 0, max: spanMinutes }), { maxLength: 60 }),
  )
  .map((minutes) => [...minutes].sort((a, b) => a - b).map(candidateAt));

const counts: fc.Arbitrary<RuleCount | undefined> = fc.option(
  fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 12 }) },
    { weight: 1, arbitrary: fc.constant('unlimited' as const) },
  ),
  { nil: undefined },
);

/** Policies with any mix of rules on and off; never empty. */
export const policies: fc.Arbitrary<RetentionPolicy> = fc
  .record({
    keepLast: counts,
    keepHourly: counts,
    keepDaily: counts,
    keepWeekly: counts,
    keepMonthly: counts,
    keepYearly: counts,
    keepWithinMs: fc.option(
      fc.integer({ min: 1, max: 60 * 24 }).map((hours) => hours * hour),
      { nil: undefined },
    ),
  })
  .filter((policy) => !isEmptyPolicy(policy));
