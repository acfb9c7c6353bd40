/** A copy of an orchestration instance for callers of the programmatic API. */
import type { HistoryEvent } from './durable/historyEvents';
import type { InstanceRecord, RuntimeStatus } from './durable/instanceStore';
import { parseJsonText } from './durable/payloads';

export interface InstanceSnapshot {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: Date;
  lastUpdatedTime: Date;
  parentInstanceId?: string;
  /** The current execution's full history, in the form the orchestrator receives it. */
  history: HistoryEvent[];
}

export function instanceSnapshot(instance: InstanceRecord): InstanceSnapshot {
  const snapshot: InstanceSnapshot = {
    instanceId: instance.instanceId,
    name: instance.name,
    runtimeStatus: instance.runtimeStatus,
    input: parseJsonText(instance.input),
    output: parseJsonText(instance.output),
    customStatus: parseJsonText(instance.customStatus),
    createdTime: new Date(instance.createdTime),
    lastUpdatedTime: new Date(instance.lastUpdatedTime),
    history: structuredClone(instance.history),
  };
  if (instance.parentInstanceId) snapshot.parentInstanceId = instance.parentInstanceId;
  return snapshot;
}
