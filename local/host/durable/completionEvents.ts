/**
 * The events that bring results back into an orchestration: activity and sub-orchestration
 * completions and failures, fired timers, and the start and end of an execution.
 */
import { EventType, historyEvent, OrchestrationStatus } from './historyEvents';
import type { CallWork, InboxEntry, InstanceRecord, OpenTask } from './instanceStore';

export type CallResult =
  { ok: true; resultJson: string } | { ok: false; reason: string; details: string };

/** The completion of an open call; a failed call with a retry policy brings its retry logic. */
export function callCompletion(
  task: CallWork & { taskId: number },
  result: CallResult,
  now: number,
) {
  const isActivity = task.kind === 'activity';
  if (result.ok) {
    const type = isActivity ? EventType.TaskCompleted : EventType.SubOrchestrationInstanceCompleted;
    return entry(
      historyEvent(type, now, { TaskScheduledId: task.taskId, Result: result.resultJson }),
    );
  }
  const type = isActivity ? EventType.TaskFailed : EventType.SubOrchestrationInstanceFailed;
  const event = historyEvent(type, now, {
    TaskScheduledId: task.taskId,
    Reason: result.reason,
    Details: result.details,
  });
  if (!task.retry) return entry(event);
  const work: CallWork = {
    kind: task.kind,
    name: task.name,
    input: task.input,
    attempt: task.attempt,
    retry: task.retry,
  };
  if (task.requestedInstanceId) work.requestedInstanceId = task.requestedInstanceId;
  return { event, continuation: { kind: 'retryDelay', work } } satisfies InboxEntry;
}

export function timerFired(task: OpenTask & { fireAt: number }, now: number): InboxEntry {
  const event = historyEvent(EventType.TimerFired, now, {
    TimerId: task.taskId,
    FireAt: new Date(task.fireAt).toISOString(),
  });
  if (task.kind === 'retryTimer') {
    return { event, continuation: { kind: 'retryAttempt', work: task.work } };
  }
  if (task.kind === 'timer' && task.finalFireAt !== undefined) {
    return { event, continuation: { kind: 'longTimer', finalFireAt: task.finalFireAt } };
  }
  return { event };
}

export function executionStarted(
  instance: InstanceRecord,
  parentName: string | undefined,
  now: number,
) {
  const parent = instance.parentInstanceId
    ? {
        Name: parentName ?? null,
        Version: '',
        TaskScheduleId: instance.parentTaskId,
        OrchestrationInstance: {
          InstanceId: instance.parentInstanceId,
          ExecutionId: instance.parentExecutionId,
        },
      }
    : null;
  return entry(
    historyEvent(EventType.ExecutionStarted, now, {
      OrchestrationInstance: { InstanceId: instance.instanceId, ExecutionId: instance.executionId },
      ParentInstance: parent,
      Name: instance.name,
      Version: '',
      Input: instance.input,
      Tags: null,
      ScheduledStartTime: null,
      Generation: 0,
    }),
  );
}

export function executionCompleted(
  status: OrchestrationStatus,
  result: string | null,
  eventId: number,
  now: number,
) {
  return historyEvent(
    EventType.ExecutionCompleted,
    now,
    { OrchestrationStatus: status, Result: result },
    eventId,
  );
}

function entry(event: ReturnType<typeof historyEvent>): InboxEntry {
  return { event };
}
