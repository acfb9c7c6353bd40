import { latestOccurrenceAtOrBefore, nextOccurrence, type CronSchedule } from './ncrontab';

/**
 * The schedule occurrence a timer firing belongs to. Normally the latest occurrence at or before
 * the firing; a firing a moment early (within `toleranceMs`, and less than half the gap between
 * occurrences, so frequent schedules are never pulled forward) belongs to the coming one.
 */
export function occurrenceOfFiring(
  schedule: CronSchedule,
  firedAt: Date,
  toleranceMs: number,
): Date {
  const previous = latestOccurrenceAtOrBefore(schedule, firedAt);
  const next = nextOccurrence(schedule, firedAt);
  if (!previous) return next ?? firedAt;
  if (!next) return previous;
  const early = next.getTime() - firedAt.getTime();
  const gap = next.getTime() - previous.getTime();
  return early <= toleranceMs && early < gap / 2 ? next : previous;
}
