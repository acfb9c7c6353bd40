import { now } from '../app/clock';
import type { AppServices } from '../app/appServices';
import type { LockedOperation } from '../ledger/OperationLock';
import type { Logger } from '../log/Logger';

export interface AcquireLockInput {
  readonly hsmName: string;
  readonly instanceId: string;
  readonly operation: LockedOperation;
  readonly detail: string;
  readonly leaseMs: number;
}

export type AcquireLockResult =
  | { readonly acquired: true }
  | {
      readonly acquired: false;
      readonly heldBy: {
        readonly instanceId: string;
        readonly operation: LockedOperation;
        readonly since: string;
        readonly detail?: string;
      };
    };

export interface ReleaseLockInput {
  readonly hsmName: string;
  readonly instanceId: string;
}

export const lockActivityNames = {
  acquire: 'acquireLockActivity',
  release: 'releaseLockActivity',
} as const;

export async function acquireLock(
  services: AppServices,
  input: AcquireLockInput,
  log: Logger,
): Promise<AcquireLockResult> {
  const result = await services.lock.acquire(
    input.hsmName,
    { instanceId: input.instanceId, operation: input.operation, detail: input.detail },
    input.leaseMs,
    now(),
  );
  if (result.acquired) {
    log.info(`Lock of ${input.hsmName} held by ${input.instanceId} (${input.detail}).`);
    return { acquired: true };
  }
  const { heldBy } = result;
  log.warn(
    `Lock of ${input.hsmName} refused to ${input.instanceId}: ${heldBy.operation} ` +
      `${heldBy.instanceId} holds it since ${heldBy.since.toISOString()}.`,
  );
  return {
    acquired: false,
    heldBy: {
      instanceId: heldBy.instanceId,
      operation: heldBy.operation,
      since: heldBy.since.toISOString(),
      detail: heldBy.detail,
    },
  };
}

export async function releaseLock(
  services: AppServices,
  input: ReleaseLockInput,
  log: Logger,
): Promise<boolean> {
  const released = await services.lock.release(input.hsmName, input.instanceId);
  if (released) log.info(`Lock of ${input.hsmName} released by ${input.instanceId}.`);
  return released;
}
