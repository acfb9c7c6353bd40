/**
 * Decides what one orchestrator turn changes, without doing any of it: which events Durable Task
 * would append, which task ids it would assign, which work opens, and whether the instance ends.
 * Task ids follow Durable Task's counter: one per activity call, timer, sub-orchestration, retry
 * delay and retry attempt, in the order the orchestrator (or the retry logic) asks for them.
 */
import { EventType, historyEvent, HistoryEvent } from './historyEvents';
import type {
  CallWork,
  Continuation,
  InboxEntry,
  InstanceRecord,
  OpenTask,
  RecordedStep,
  RetryPolicy,
} from './instanceStore';
import {
  ActionType,
  findNonDeterminism,
  flattenActions,
  OrchestratorAction,
  stepOf,
} from './orchestratorActions';
import {
  longRunningTimerIntervalMs,
  maximumShortTimerMs,
  OrchestratorOutcome,
  toJsonText,
} from './payloads';

export type FunctionKind = 'activity' | 'orchestration' | 'other';

export type TurnEnd =
  | { kind: 'completed'; output: string }
  | { kind: 'failed'; reason: string; nonDeterministic?: boolean }
  | { kind: 'continuedAsNew'; input: string | null };

export interface TurnPlan {
  scheduled: HistoryEvent[];
  newSteps: RecordedStep[];
  nextTaskId: number;
  openedTasks: OpenTask[];
  /** JSON text, or undefined when the orchestrator left its custom status unchanged. */
  customStatus: string | undefined;
  end?: TurnEnd;
}

export interface TurnInput {
  instance: InstanceRecord;
  batch: InboxEntry[];
  turnTime: number;
  outcome: OrchestratorOutcome;
  functionKind: (name: string) => FunctionKind | undefined;
}

export function planTurn(input: TurnInput): TurnPlan {
  const { instance, outcome } = input;
  const plan: TurnPlan = {
    scheduled: [],
    newSteps: [],
    nextTaskId: instance.nextTaskId,
    openedTasks: [],
    customStatus: undefined,
  };
  const fail = (message: string, nonDeterministic = false): TurnPlan => ({
    ...plan,
    scheduled: [],
    newSteps: [],
    openedTasks: [],
    nextTaskId: instance.nextTaskId,
    end: { kind: 'failed', reason: failureReason(instance.name, message), nonDeterministic },
  });
  if (!outcome.state) return fail(outcome.error);
  const { state } = outcome;
  if (state.customStatus !== undefined) plan.customStatus = toJsonText(state.customStatus);

  const actions = flattenActions(state);
  const continueAsNew = actions.find((a) => a.actionType === ActionType.ContinueAsNew);
  const callActions = actions.filter((a) => a.actionType !== ActionType.ContinueAsNew);
  const steps: RecordedStep[] = [];
  for (const action of callActions) {
    const step = stepOf(action);
    if ('unsupported' in step) return fail(step.unsupported);
    steps.push(step);
  }
  const nonDeterminism = findNonDeterminism(instance.steps, steps);
  if (nonDeterminism) return fail(nonDeterminism, true);

  const continuation = input.batch.length === 1 ? input.batch[0].continuation : undefined;
  if (continuation) applyContinuation(plan, continuation, input);

  for (let i = instance.steps.length; i < callActions.length; i++) {
    const problem = missingFunction(callActions[i], input.functionKind);
    if (problem) return fail(problem);
    scheduleAction(plan, callActions[i], input);
    plan.newSteps.push(steps[i]);
  }

  if (outcome.error !== undefined) return fail(outcome.error);
  if (state.isDone) {
    plan.end = continueAsNew
      ? { kind: 'continuedAsNew', input: toJsonText(decodeProcessedInput(continueAsNew.input)) }
      : { kind: 'completed', output: toJsonText(state.output) };
  }
  return plan;
}

export function failureReason(orchestratorName: string, message: string): string {
  return `Orchestrator function '${orchestratorName}' failed: ${message}`;
}

function scheduleAction(plan: TurnPlan, action: OrchestratorAction, input: TurnInput): void {
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry: {
      const isActivity =
        action.actionType === ActionType.CallActivity ||
        action.actionType === ActionType.CallActivityWithRetry;
      const work: CallWork = {
        kind: isActivity ? 'activity' : 'subOrchestration',
        name: String(action.functionName),
        input: action.input,
        attempt: 1,
      };
      if (action.retryOptions) work.retry = action.retryOptions;
      if (action.instanceId) work.requestedInstanceId = action.instanceId;
      scheduleCall(plan, work, input);
      return;
    }
    case ActionType.CreateTimer: {
      const finalFireAt = Date.parse(String(action.fireAt));
      const isLong = finalFireAt - input.turnTime > maximumShortTimerMs;
      scheduleTimer(plan, input, isLong ? finalFireAt : undefined, finalFireAt);
      return;
    }
    default:
      // Waiting for an external event schedules nothing and takes no task id.
      return;
  }
}

function scheduleCall(plan: TurnPlan, work: CallWork, input: TurnInput): void {
  const taskId = plan.nextTaskId++;
  if (work.kind === 'activity') {
    plan.scheduled.push(
      historyEvent(
        EventType.TaskScheduled,
        input.turnTime,
        { Name: work.name, Version: '', Input: toJsonText(work.input) },
        taskId,
      ),
    );
    plan.openedTasks.push({ ...work, taskId });
    return;
  }
  const childInstanceId = work.requestedInstanceId ?? `${input.instance.executionId}:${taskId}`;
  plan.scheduled.push(
    historyEvent(
      EventType.SubOrchestrationInstanceCreated,
      input.turnTime,
      { Name: work.name, Version: '', InstanceId: childInstanceId, Input: toJsonText(work.input) },
      taskId,
    ),
  );
  plan.openedTasks.push({ ...work, taskId, childInstanceId });
}

/** A timer; for a long one (`finalFireAt` set), the next leg of at most three days. */
function scheduleTimer(
  plan: TurnPlan,
  input: TurnInput,
  finalFireAt: number | undefined,
  fireAt: number,
): void {
  let legFireAt = fireAt;
  if (finalFireAt !== undefined && finalFireAt - input.turnTime > maximumShortTimerMs) {
    legFireAt = input.turnTime + longRunningTimerIntervalMs;
  }
  const taskId = plan.nextTaskId++;
  plan.scheduled.push(
    historyEvent(
      EventType.TimerCreated,
      input.turnTime,
      { FireAt: new Date(legFireAt).toISOString() },
      taskId,
    ),
  );
  const task: OpenTask = { kind: 'timer', taskId, fireAt: legFireAt };
  if (finalFireAt !== undefined) task.finalFireAt = finalFireAt;
  plan.openedTasks.push(task);
}

/** What Durable Task's retry logic and long timers do when their event is processed. */
function applyContinuation(plan: TurnPlan, continuation: Continuation, input: TurnInput): void {
  if (continuation.kind === 'retryDelay') {
    const fireAt = input.turnTime + retryDelayMs(continuation.work);
    const taskId = plan.nextTaskId++;
    plan.scheduled.push(
      historyEvent(EventType.TimerCreated, input.turnTime, { FireAt: iso(fireAt) }, taskId),
    );
    plan.openedTasks.push({ kind: 'retryTimer', taskId, fireAt, work: continuation.work });
  } else if (continuation.kind === 'retryAttempt') {
    const { work } = continuation;
    const maxAttempts = work.retry?.maxNumberOfAttempts ?? 1;
    if (work.attempt < maxAttempts)
      scheduleCall(plan, { ...work, attempt: work.attempt + 1 }, input);
  } else if (continuation.finalFireAt > input.turnTime) {
    scheduleTimer(plan, input, continuation.finalFireAt, continuation.finalFireAt);
  }
}

/** Durable Task's backoff: first interval times coefficient^(attempt-1), capped. */
export function retryDelayMs(work: CallWork): number {
  const policy: RetryPolicy | undefined = work.retry;
  if (!policy) return 0;
  const coefficient = policy.backoffCoefficient ?? 1;
  const delay = policy.firstRetryIntervalInMilliseconds * Math.pow(coefficient, work.attempt - 1);
  const cap = policy.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 && delay >= cap ? cap : delay;
}

function missingFunction(
  action: OrchestratorAction,
  functionKind: (name: string) => FunctionKind | undefined,
): string | undefined {
  const wanted: Partial<Record<ActionType, FunctionKind>> = {
    [ActionType.CallActivity]: 'activity',
    [ActionType.CallActivityWithRetry]: 'activity',
    [ActionType.CallSubOrchestrator]: 'orchestration',
    [ActionType.CallSubOrchestratorWithRetry]: 'orchestration',
  };
  const kind = wanted[action.actionType];
  if (!kind) return undefined;
  const name = String(action.functionName);
  if (functionKind(name) === kind) return undefined;
  const label = kind === 'activity' ? 'an activity' : 'an orchestrator';
  return `The function '${name}' doesn't exist, is disabled, or is not ${label} function.`;
}

/** durable-functions JSON-encodes string inputs once more; the extension decodes them again. */
function decodeProcessedInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
