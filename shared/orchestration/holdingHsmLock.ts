import type * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { lockActivityNames, type AcquireLockInput, type AcquireLockResult } from './lockActivities';

type HeldBy = Extract<AcquireLockResult, { acquired: false }>['heldBy'];

/**
 * Runs `body` holding the HSM's lock (one operation per HSM at a time), and releases the lock
 * however the body ends, failures included. When another operation holds it, runs `refused`
 * instead. Acquiring again under the same instance id renews the lease, so a resumed or repeated
 * orchestration keeps the lock it already had.
 */
export function* holdingHsmLock<T>(
  context: OrchestrationContext,
  lock: Omit<AcquireLockInput, 'instanceId'>,
  retry: df.RetryOptions,
  refused: (heldBy: HeldBy) => Generator<Task, T, unknown>,
  body: () => Generator<Task, T, unknown>,
): Generator<Task, T, unknown> {
  const { instanceId } = context.df;
  const acquired = (yield context.df.callActivityWithRetry(lockActivityNames.acquire, retry, {
    ...lock,
    instanceId,
  } satisfies AcquireLockInput)) as AcquireLockResult;
  if (!acquired.acquired) return yield* refused(acquired.heldBy);
  try {
    return yield* body();
  } finally {
    yield context.df.callActivityWithRetry(lockActivityNames.release, retry, {
      hsmName: lock.hsmName,
      instanceId,
    });
  }
}
