import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { JobCheck, PollTiming } from '../backup/BackupCycle';
import { maxStartAttempts, nextPollTime } from '../backup/pollPlan';

/**
 * Steps shared by every orchestration that drives an HSM job: start it (waiting out throttling
 * and outages on durable timers), then poll it until it ends. Both only ever read time from
 * `currentUtcDateTime`, so replays take the same path.
 */

/** Activities fail only when storage or the Functions runtime does: retry those a few times. */
export function activityRetry(timing: PollTiming): df.RetryOptions {
  const retry = new df.RetryOptions(Math.min(timing.firstIntervalMs, 30_000), 4);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = timing.maxIntervalMs;
  return retry;
}

export interface Unavailable {
  readonly outcome: 'unavailable';
  readonly reason: string;
  readonly retryAfterSeconds?: number;
}

/** Calls a start activity until it answers anything but `unavailable`, or attempts run out. */
export function* startJob<TResult extends { readonly outcome: string }>(
  context: OrchestrationContext,
  activity: string,
  input: unknown,
  timing: PollTiming,
  startedAt: Date,
  log: (message: string) => void,
): Generator<Task, TResult | Unavailable, unknown> {
  const retry = activityRetry(timing);
  for (let attempt = 1; ; attempt++) {
    const result = (yield context.df.callActivityWithRetry(activity, retry, input)) as
      TResult | Unavailable;
    if (!isUnavailable(result) || attempt >= maxStartAttempts) return result;
    const now = context.df.currentUtcDateTime;
    const wait = nextPollTime(now, startedAt, attempt - 1, timing, result.retryAfterSeconds);
    if (!wait) return result;
    log(`start attempt ${attempt} got no answer (${result.reason}); next at ${wait.toISOString()}`);
    yield context.df.createTimer(wait);
  }
}

/**
 * Polls a job until it finishes or the service forgets it. Undefined means the deadline passed
 * with the job still running or unreachable: its outcome is unknown.
 */
export function* pollJob(
  context: OrchestrationContext,
  activity: string,
  input: unknown,
  timing: PollTiming,
  startedAt: Date,
  firstRetryAfterSeconds?: number,
): Generator<Task, Exclude<JobCheck, { state: 'running' | 'unavailable' }> | undefined, unknown> {
  const retry = activityRetry(timing);
  let retryAfterSeconds = firstRetryAfterSeconds;
  for (let polls = 0; ; polls++) {
    const now = context.df.currentUtcDateTime;
    const at = nextPollTime(now, startedAt, polls, timing, retryAfterSeconds);
    if (!at) return undefined;
    yield context.df.createTimer(at);
    const check = (yield context.df.callActivityWithRetry(activity, retry, input)) as JobCheck;
    if (check.state === 'finished' || check.state === 'not-found') return check;
    retryAfterSeconds = check.retryAfterSeconds;
  }
}

function isUnavailable(result: { readonly outcome: string }): result is Unavailable {
  return result.outcome === 'unavailable';
}

/** Logs only on the first execution of a step, never on replays. */
export function replaySafeLog(context: OrchestrationContext): (message: string) => void {
  return (message) => {
    if (!context.df.isReplaying) context.log(`[${context.df.instanceId}] ${message}`);
  };
}
