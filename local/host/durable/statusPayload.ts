/**
 * Instance status as the extension's HTTP API reports it, including its condensed history:
 * scheduling events folded into their completions, orchestrator turn markers removed, inputs
 * and results shown only when asked for.
 */
import { EventType, HistoryEvent, OrchestrationStatus } from './historyEvents';
import type { InstanceRecord } from './instanceStore';
import { parseJsonText } from './payloads';

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  showInput?: boolean;
}

export function statusPayload(instance: InstanceRecord, options: StatusOptions = {}) {
  const payload: Record<string, unknown> = {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.runtimeStatus,
    input: options.showInput === false ? null : parseJsonText(instance.input),
    customStatus: parseJsonText(instance.customStatus),
    output: parseJsonText(instance.output),
    createdTime: secondsPrecision(instance.createdTime),
    lastUpdatedTime: secondsPrecision(instance.lastUpdatedTime),
  };
  if (options.showHistory && instance.runtimeStatus !== 'Pending') {
    payload.historyEvents = condensedHistory(instance.history, !!options.showHistoryOutput);
  }
  return payload;
}

/** .NET's `ToString("s") + "Z"`: no fractional seconds. */
function secondsPrecision(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function condensedHistory(history: HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = history.map((event) => ({ ...event }));
  const scheduled = new Map<string, { index: number; name: unknown; time: unknown }>();
  const removed = new Set<number>();
  const track = (prefix: string, item: Record<string, unknown>, index: number) => {
    scheduled.set(`${prefix}_${item.EventId}`, { index, name: item.Name, time: item.Timestamp });
    delete item.Version;
    delete item.Input;
  };
  const fold = (prefix: string, item: Record<string, unknown>, withResult: boolean) => {
    const origin = scheduled.get(`${prefix}_${item.TaskScheduledId}`);
    if (origin) {
      item.ScheduledTime = origin.time;
      item.FunctionName = origin.name;
      removed.add(origin.index);
    }
    delete item.TaskScheduledId;
    if (withResult) {
      if (showOutput) item.Result = parseJsonText(item.Result as string);
      else delete item.Result;
    }
  };
  items.forEach((item, index) => {
    const type = item.EventType as EventType;
    switch (type) {
      case EventType.TaskScheduled:
        track('TaskScheduled', item, index);
        break;
      case EventType.SubOrchestrationInstanceCreated:
        track('SubOrchestrationInstanceCreated', item, index);
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
        fold('TaskScheduled', item, type === EventType.TaskCompleted);
        break;
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        fold(
          'SubOrchestrationInstanceCreated',
          item,
          type === EventType.SubOrchestrationInstanceCompleted,
        );
        break;
      case EventType.ExecutionStarted:
        item.FunctionName = item.Name;
        for (const key of [
          'Name',
          'OrchestrationInstance',
          'ParentInstance',
          'Version',
          'Tags',
          'Input',
        ]) {
          delete item[key];
        }
        break;
      case EventType.ExecutionCompleted:
        item.OrchestrationStatus = OrchestrationStatus[item.OrchestrationStatus as number];
        if (showOutput) item.Result = parseJsonText(item.Result as string);
        else delete item.Result;
        break;
      case EventType.ExecutionTerminated:
      case EventType.EventRaised:
        delete item.Input;
        break;
      case EventType.TimerFired:
        delete item.TimerId;
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        removed.add(index);
        break;
    }
    item.EventType = EventType[type];
    delete item.EventId;
    delete item.IsPlayed;
  });
  return items.filter((_, index) => !removed.has(index));
}
