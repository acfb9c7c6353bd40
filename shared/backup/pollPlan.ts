import type { PollTiming } from './BackupCycle';

/**
 * When to look again: the interval doubles from the first one up to the maximum, and never comes
 * sooner than the service asked with Retry-After. The last look is placed at the deadline, never
 * beyond it. Returns undefined when the deadline has been reached.
 */
export function nextPollTime(
  now: Date,
  startedAt: Date,
  pollsSoFar: number,
  timing: PollTiming,
  retryAfterSeconds?: number,
): Date | undefined {
  const deadline = startedAt.getTime() + timing.deadlineMs;
  if (now.getTime() >= deadline) return undefined;
  const backoff = Math.min(
    timing.firstIntervalMs * 2 ** Math.min(pollsSoFar, 30),
    timing.maxIntervalMs,
  );
  const asked = (retryAfterSeconds ?? 0) * 1000;
  return new Date(Math.min(now.getTime() + Math.max(backoff, asked), deadline));
}

/** How many times a start that meets a busy network or throttling is tried before giving up. */
export const maxStartAttempts = 5;
