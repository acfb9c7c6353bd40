/**
 * Reading what an orchestrator turn returned: the OrchestratorState of durable-functions, its
 * actions flattened in scheduling order, and the comparison of those actions with the steps
 * already in history that catches a non-deterministic orchestrator.
 */
import type { RecordedStep, RetryPolicy, StepKind } from './instanceStore';

/** durable-functions' `ActionType`. */
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface OrchestratorAction {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  retryOptions?: RetryPolicy;
  instanceId?: string;
  compoundActions?: OrchestratorAction[];
}

export interface OrchestratorState {
  isDone: boolean;
  actions: OrchestratorAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

const stepKinds: Partial<Record<ActionType, StepKind>> = {
  [ActionType.CallActivity]: 'CallActivity',
  [ActionType.CallActivityWithRetry]: 'CallActivityWithRetry',
  [ActionType.CallSubOrchestrator]: 'CallSubOrchestrator',
  [ActionType.CallSubOrchestratorWithRetry]: 'CallSubOrchestratorWithRetry',
  [ActionType.CreateTimer]: 'CreateTimer',
  [ActionType.WaitForExternalEvent]: 'WaitForExternalEvent',
};

/** Every action in the order Durable Task assigns task ids: compound actions depth first. */
export function flattenActions(state: OrchestratorState): OrchestratorAction[] {
  const flat: OrchestratorAction[] = [];
  const visit = (action: OrchestratorAction) => {
    if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny) {
      (action.compoundActions ?? []).forEach(visit);
    } else {
      flat.push(action);
    }
  };
  for (const group of state.actions ?? []) for (const action of group ?? []) visit(action);
  return flat;
}

/** The step an action records, or a reason the local host cannot run it. */
export function stepOf(action: OrchestratorAction): RecordedStep | { unsupported: string } {
  const kind = stepKinds[action.actionType];
  if (!kind) {
    const name = ActionType[action.actionType] ?? `action type ${String(action.actionType)}`;
    return { unsupported: `${name} is not supported by the local host` };
  }
  if (kind === 'CreateTimer') return { kind, fireAt: String(action.fireAt) };
  if (kind === 'WaitForExternalEvent') return { kind, name: action.externalEventName };
  const step: RecordedStep = { kind, name: action.functionName };
  if (action.instanceId) step.instanceId = action.instanceId;
  return step;
}

export function describeStep(step: RecordedStep | undefined): string {
  if (!step) return 'nothing';
  if (step.kind === 'CreateTimer') return `CreateTimer firing at ${step.fireAt}`;
  const instance = step.instanceId ? ` (instance '${step.instanceId}')` : '';
  return `${step.kind} '${step.name}'${instance}`;
}

function sameStep(recorded: RecordedStep, current: RecordedStep): boolean {
  if (recorded.kind !== current.kind) return false;
  if (recorded.kind === 'CreateTimer') {
    return Date.parse(String(recorded.fireAt)) === Date.parse(String(current.fireAt));
  }
  return recorded.name === current.name && recorded.instanceId === current.instanceId;
}

/**
 * Explains the first recorded step the orchestrator no longer takes in the same way, if any.
 * Replays must re-issue every recorded step, in order; only steps beyond them are new.
 */
export function findNonDeterminism(
  recorded: RecordedStep[],
  current: RecordedStep[],
): string | undefined {
  for (let i = 0; i < recorded.length; i++) {
    if (!current[i] || !sameStep(recorded[i], current[i])) {
      return (
        `non-deterministic orchestrator: step ${i + 1} was ${describeStep(recorded[i])} ` +
        `in history, now ${describeStep(current[i])}`
      );
    }
  }
  return undefined;
}
