/**
 * Conversions between values and the forms they take on the way through the Durable extension:
 * trigger payloads for orchestrators and activities, and JSON text in history and status.
 */
import type { RpcTypedData } from '../coreTypes';
import type { InvocationOutcome } from '../invoker';
import type { HistoryEvent } from './historyEvents';
import type { OrchestratorState } from './orchestratorActions';

/**
 * Timer limits of the Azure Storage provider, as the extension passes them to durable-functions.
 */
export const maximumShortTimerDuration = '6.00:00:00';
export const longRunningTimerIntervalDuration = '3.00:00:00';
export const maximumShortTimerMs = 6 * 24 * 3600 * 1000;
export const longRunningTimerIntervalMs = 3 * 24 * 3600 * 1000;

export interface OrchestrationTriggerPayload {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | null;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

export function orchestrationTriggerPayload(
  instanceId: string,
  parentInstanceId: string | undefined,
  input: string | null,
  history: HistoryEvent[],
  hasPastEvents: boolean,
): OrchestrationTriggerPayload {
  return {
    history,
    input: parseJsonText(input),
    instanceId,
    isReplaying: hasPastEvents,
    parentInstanceId: parentInstanceId ?? null,
    // What the extension sends today: V2 for old SDKs, V4 in the field newer SDKs read.
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 3,
    longRunningTimerIntervalDuration,
    maximumShortTimerDuration,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
}

/**
 * An activity's input as the host hands it to the worker. durable-functions JSON-encodes string
 * inputs once more (`Utils.processInput`) because the worker JSON-parses `string` data; sending
 * strings as `string` data undoes exactly that.
 */
export function activityInputData(input: unknown): RpcTypedData | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'string') return { string: input };
  return { json: JSON.stringify(input) };
}

/** The JSON text Durable Task records for a function's return value. */
export function returnValueToJson(value: RpcTypedData | null | undefined): string {
  if (!value) return 'null';
  if (typeof value.json === 'string') return value.json;
  if (typeof value.string === 'string') return JSON.stringify(value.string);
  if (typeof value.int === 'number') return JSON.stringify(value.int);
  if (typeof value.double === 'number') return JSON.stringify(value.double);
  const bytes = value.bytes ?? value.stream;
  if (bytes) return JSON.stringify(Buffer.from(bytes).toString('base64'));
  return 'null';
}

export type OrchestratorOutcome =
  { state: OrchestratorState; error?: string } | { state?: undefined; error: string };

const outOfProcDataLabel = '\n\n$OutOfProcData$:';

/**
 * A failing orchestrator throws an error whose message carries its state after a marker; the
 * extension reads the actions and the error from there, and so does the local host.
 */
export function readOrchestratorOutcome(outcome: InvocationOutcome): OrchestratorOutcome {
  if (outcome.ok) {
    let state: OrchestratorState | null = null;
    try {
      state = JSON.parse(returnValueToJson(outcome.response.returnValue)) as OrchestratorState;
    } catch {
      // Reported below as a missing state.
    }
    if (!state || !Array.isArray(state.actions)) {
      return { error: 'The orchestrator function did not return an orchestration state.' };
    }
    return { state };
  }
  const message = errorMessage(outcome.error);
  const marker = message.indexOf(outOfProcDataLabel);
  if (marker < 0) return { error: message };
  try {
    const state = JSON.parse(
      message.slice(marker + outOfProcDataLabel.length),
    ) as OrchestratorState;
    return { state, error: state.error ?? message.slice(0, marker) };
  } catch {
    return { error: message.slice(0, marker) };
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return JSON.stringify(error) ?? String(error);
}

/** Durable Task's serialized exception, reduced to what the orchestrator can use. */
export function errorDetails(error: unknown): string {
  const stack = error instanceof Error ? error.stack : undefined;
  return JSON.stringify({ Message: errorMessage(error), StackTrace: stack ?? null });
}

export function parseJsonText(text: string | null | undefined): unknown {
  if (text === null || text === undefined || text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The JSON text for a value that may be undefined (recorded as null, as .NET does). */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}
