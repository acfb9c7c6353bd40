/**
 * Orchestrator turns and activity calls as function invocations: the trigger data the Durable
 * extension would send, and the result read back the way the extension reads it.
 */
import type { RegisteredFunction } from '../appLoader';
import type { Invoker } from '../invoker';
import type { CallResult } from './completionEvents';
import type { HistoryEvent } from './historyEvents';
import type { InstanceRecord } from './instanceStore';
import {
  activityInputData,
  errorDetails,
  errorMessage,
  orchestrationTriggerPayload,
  OrchestratorOutcome,
  readOrchestratorOutcome,
  returnValueToJson,
} from './payloads';

/** One turn: the orchestrator replays its full history, the past marked as played. */
export async function invokeOrchestrator(
  invoker: Invoker,
  fn: RegisteredFunction,
  instance: InstanceRecord,
  newEvents: HistoryEvent[],
): Promise<OrchestratorOutcome> {
  const history = [...instance.history.map((e) => ({ ...e, IsPlayed: true })), ...newEvents];
  const payload = orchestrationTriggerPayload(
    instance.instanceId,
    instance.parentInstanceId,
    instance.input,
    history,
    instance.history.length > 0,
  );
  const outcome = await invoker.invoke(fn, {
    inputData: [{ name: fn.triggerName, data: { string: JSON.stringify(payload) } }],
    instanceId: instance.instanceId,
  });
  return readOrchestratorOutcome(outcome);
}

/** Runs an activity; a throw becomes the failure reason and details Durable records. */
export async function invokeActivity(
  invoker: Invoker,
  fn: RegisteredFunction | undefined,
  name: string,
  input: unknown,
  instanceId: string,
): Promise<CallResult> {
  if (!fn) {
    const reason = `Activity function '${name}' is not registered.`;
    return { ok: false, reason, details: errorDetails(reason) };
  }
  const outcome = await invoker.invoke(fn, {
    inputData: [{ name: fn.triggerName, data: activityInputData(input) }],
    instanceId,
  });
  if (outcome.ok) return { ok: true, resultJson: returnValueToJson(outcome.response.returnValue) };
  return {
    ok: false,
    reason: `Activity function '${name}' failed: ${errorMessage(outcome.error)}`,
    details: errorDetails(outcome.error),
  };
}
