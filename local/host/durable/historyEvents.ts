/**
 * Durable Task history events in the shape the Functions extension hands to out-of-process
 * orchestrators: PascalCase properties, numeric `EventType`, `EventId` equal to the task id for
 * events the orchestrator schedules and -1 for everything else.
 */

export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
}

/** Durable Task's `OrchestrationStatus`, as `ExecutionCompleted` records it. */
export enum OrchestrationStatus {
  Running = 0,
  Completed = 1,
  ContinuedAsNew = 2,
  Failed = 3,
  Canceled = 4,
  Terminated = 5,
  Pending = 6,
}

export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  [property: string]: unknown;
}

export function historyEvent(
  type: EventType,
  timestampMs: number,
  properties: Record<string, unknown> = {},
  eventId = -1,
): HistoryEvent {
  return {
    EventType: type,
    EventId: eventId,
    IsPlayed: false,
    Timestamp: new Date(timestampMs).toISOString(),
    ...properties,
  };
}
