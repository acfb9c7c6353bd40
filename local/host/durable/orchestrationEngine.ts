/**
 * Runs orchestrations the way the Durable extension and Durable Task do, with durable-functions'
 * own replay engine in the loop. Each turn hands the orchestrator its full history plus the new
 * events, records what it scheduled, and then runs that work: activities through the normal
 * invocation path, timers against the host clock, sub-orchestrations as child instances. Every
 * change to an instance is saved before the work it implies starts.
 */
import { randomUUID } from 'crypto';
import { EventEmitter } from 'events';
import type { RegisteredFunction } from '../appLoader';
import type { BusyTracker } from '../busyTracker';
import type { HostLog } from '../hostLog';
import type { Invoker } from '../invoker';
import {
  callCompletion,
  CallResult,
  executionCompleted,
  executionStarted,
  timerFired,
} from './completionEvents';
import { EventType, historyEvent, HistoryEvent, OrchestrationStatus } from './historyEvents';
import {
  CallWork,
  InboxEntry,
  InstanceRecord,
  InstanceStore,
  terminalStatuses,
} from './instanceStore';
import { invokeActivity, invokeOrchestrator } from './functionInvocations';
import { errorDetails, errorMessage, parseJsonText, toJsonText } from './payloads';
import { failureReason, FunctionKind, planTurn, TurnEnd, TurnPlan } from './turnPlanner';

export interface EngineDependencies {
  store: InstanceStore;
  functions: RegisteredFunction[];
  invoker: Invoker;
  clock: () => number;
  log: HostLog;
  busy: BusyTracker;
}

type CallTask = CallWork & { taskId: number; childInstanceId?: string };

export class OrchestrationEngine {
  readonly #store: InstanceStore;
  readonly #invoker: Invoker;
  readonly #clock: () => number;
  readonly #log: HostLog;
  readonly #busy: BusyTracker;
  readonly #orchestrators = new Map<string, RegisteredFunction>();
  readonly #activities = new Map<string, RegisteredFunction>();
  /** Instances with a turn queued or running: never two turns at once for one instance. */
  readonly #turns = new Set<string>();
  readonly #runningCalls = new Set<string>();
  readonly #changes = new EventEmitter();
  #stopped = false;

  constructor(deps: EngineDependencies) {
    this.#store = deps.store;
    this.#invoker = deps.invoker;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#busy = deps.busy;
    this.#changes.setMaxListeners(0);
    for (const fn of deps.functions) {
      if (fn.triggerType === 'orchestrationtrigger') this.#orchestrators.set(fn.name, fn);
      if (fn.triggerType === 'activitytrigger') this.#activities.set(fn.name, fn);
    }
  }

  get store(): InstanceStore {
    return this.#store;
  }

  hasOrchestrator(name: string): boolean {
    return this.#orchestrators.has(name);
  }

  /** Picks up every unfinished instance a previous host left in the state directory. */
  resume(): void {
    for (const instance of this.#store.loadFromDisk()) {
      if (terminalStatuses.has(instance.runtimeStatus)) continue;
      for (const task of Object.values(instance.openTasks)) {
        if (task.kind === 'activity') this.#runActivity(instance, task);
        if (task.kind === 'subOrchestration') this.#reconcileChild(instance, task);
      }
      if (instance.inbox.length > 0) this.#scheduleTurn(instance.instanceId);
    }
    // A child that finished just before the crash may not have reached its parent.
    for (const instance of this.#store.all()) {
      if (terminalStatuses.has(instance.runtimeStatus)) this.#notifyParent(instance);
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Creates and schedules a new instance, replacing a finished one with the same id. */
  startNew(
    name: string,
    instanceId: string,
    input: string | null,
    parent?: { instance: InstanceRecord; taskId: number },
  ): { started: InstanceRecord } | { conflict: InstanceRecord } {
    const existing = this.#store.get(instanceId);
    if (existing && !terminalStatuses.has(existing.runtimeStatus)) return { conflict: existing };
    const now = this.#clock();
    const instance: InstanceRecord = {
      instanceId,
      name,
      executionId: newExecutionId(),
      runtimeStatus: 'Pending',
      createdTime: now,
      lastUpdatedTime: now,
      input,
      output: null,
      customStatus: null,
      history: [],
      inbox: [],
      steps: [],
      nextTaskId: 0,
      openTasks: {},
    };
    if (parent) {
      instance.parentInstanceId = parent.instance.instanceId;
      instance.parentExecutionId = parent.instance.executionId;
      instance.parentTaskId = parent.taskId;
    }
    instance.inbox.push(executionStarted(instance, parent?.instance.name, now));
    this.#store.save(instance);
    this.#log('information', `Scheduled orchestration '${name}'.`, { instanceId });
    this.#changed(instance);
    this.#scheduleTurn(instanceId);
    return { started: instance };
  }

  raiseEvent(instanceId: string, eventName: string, input: string | null): void {
    const instance = this.#liveInstance(instanceId);
    if (!instance) return;
    const event = historyEvent(EventType.EventRaised, this.#clock(), {
      Name: eventName,
      Input: input,
    });
    instance.inbox.push({ event });
    this.#store.save(instance);
    this.#scheduleTurn(instanceId);
  }

  terminate(instanceId: string, reason: string): void {
    const instance = this.#liveInstance(instanceId);
    if (!instance) return;
    const now = this.#clock();
    instance.history.push(
      historyEvent(EventType.OrchestratorStarted, now),
      historyEvent(EventType.ExecutionTerminated, now, { Input: reason }),
      executionCompleted(OrchestrationStatus.Terminated, reason, instance.nextTaskId, now),
      historyEvent(EventType.OrchestratorCompleted, now),
    );
    this.#finish(instance, 'Terminated', toJsonText(reason), now);
    this.#log('warning', `Terminated orchestration '${instance.name}': ${reason}`, { instanceId });
  }

  /** Resolves with the instance once it is Completed, Failed or Terminated. */
  waitForTerminal(instanceId: string, timeoutMs: number): Promise<InstanceRecord> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const instance = this.#store.get(instanceId);
        if (instance && terminalStatuses.has(instance.runtimeStatus)) {
          cleanup();
          resolve(instance);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const status = this.#store.get(instanceId)?.runtimeStatus ?? 'unknown';
        reject(new Error(`Instance '${instanceId}' is still ${status} after ${timeoutMs} ms.`));
      }, timeoutMs);
      const listener = (changedId: string) => changedId === instanceId && check();
      const cleanup = () => {
        clearTimeout(timer);
        this.#changes.off('changed', listener);
      };
      this.#changes.on('changed', listener);
      check();
    });
  }

  /** Delivers every timer whose time has come by the host clock. */
  fireDueTimers(): void {
    const now = this.#clock();
    for (const instance of this.#store.all()) {
      if (terminalStatuses.has(instance.runtimeStatus)) continue;
      for (const task of Object.values(instance.openTasks)) {
        if ((task.kind === 'timer' || task.kind === 'retryTimer') && task.fireAt <= now) {
          this.#deliver(
            instance.instanceId,
            instance.executionId,
            task.taskId,
            timerFired(task, now),
          );
        }
      }
    }
  }

  #liveInstance(instanceId: string): InstanceRecord | undefined {
    const instance = this.#store.get(instanceId);
    return instance && !terminalStatuses.has(instance.runtimeStatus) ? instance : undefined;
  }

  #scheduleTurn(instanceId: string): void {
    if (this.#stopped || this.#turns.has(instanceId)) return;
    this.#turns.add(instanceId);
    this.#busy.begin();
    setImmediate(() => void this.#runTurns(instanceId));
  }

  /** Runs turns for one instance until its inbox is empty. */
  async #runTurns(instanceId: string): Promise<void> {
    try {
      for (;;) {
        const instance = this.#store.get(instanceId);
        if (this.#stopped || !instance || terminalStatuses.has(instance.runtimeStatus)) break;
        if (instance.inbox.length === 0) break;
        await this.#runTurn(instance);
      }
    } catch (error) {
      this.#log('error', `Orchestration turn failed in the host: ${errorMessage(error)}`, {
        instanceId,
      });
    } finally {
      this.#turns.delete(instanceId);
      this.#busy.end();
    }
  }

  async #runTurn(instance: InstanceRecord): Promise<void> {
    const batch = takeBatch(instance.inbox);
    const turnTime = this.#clock();
    const newEvents: HistoryEvent[] = [
      historyEvent(EventType.OrchestratorStarted, turnTime),
      ...batch.map((entry) => entry.event),
    ];
    const fn = this.#orchestrators.get(instance.name);
    let plan: TurnPlan;
    if (!fn) {
      plan = failedPlan(
        instance,
        `The orchestrator function '${instance.name}' is not registered.`,
      );
    } else {
      const executionId = instance.executionId;
      const outcome = await invokeOrchestrator(this.#invoker, fn, instance, newEvents);
      const current = this.#store.get(instance.instanceId);
      const stillLive = current === instance && instance.executionId === executionId;
      if (this.#stopped || !stillLive || terminalStatuses.has(instance.runtimeStatus)) return;
      plan = planTurn({
        instance,
        batch,
        turnTime,
        outcome,
        functionKind: (name) => this.#functionKind(name),
      });
    }
    this.#commit(instance, batch.length, newEvents, plan, turnTime);
  }

  #commit(
    instance: InstanceRecord,
    processed: number,
    newEvents: HistoryEvent[],
    plan: TurnPlan,
    turnTime: number,
  ): void {
    instance.inbox.splice(0, processed);
    instance.history.push(...newEvents, ...plan.scheduled);
    instance.steps.push(...plan.newSteps);
    instance.nextTaskId = plan.nextTaskId;
    for (const task of plan.openedTasks) instance.openTasks[task.taskId] = task;
    if (plan.customStatus !== undefined) instance.customStatus = plan.customStatus;
    if (instance.runtimeStatus === 'Pending') instance.runtimeStatus = 'Running';
    const end = plan.end;
    if (end?.kind === 'continuedAsNew') {
      this.#continueAsNew(instance, end.input, turnTime);
      return;
    }
    if (end) {
      const status =
        end.kind === 'completed' ? OrchestrationStatus.Completed : OrchestrationStatus.Failed;
      const result = end.kind === 'completed' ? end.output : end.reason;
      instance.history.push(executionCompleted(status, result, instance.nextTaskId, turnTime));
    }
    instance.history.push(historyEvent(EventType.OrchestratorCompleted, turnTime));
    if (end) {
      this.#reportEnd(instance, end);
      const output = end.kind === 'completed' ? end.output : toJsonText(end.reason);
      this.#finish(instance, end.kind === 'completed' ? 'Completed' : 'Failed', output, turnTime);
      return;
    }
    instance.lastUpdatedTime = this.#clock();
    this.#store.save(instance);
    this.#changed(instance);
    for (const task of plan.openedTasks) {
      if (task.kind === 'activity') this.#runActivity(instance, task);
      if (task.kind === 'subOrchestration') this.#createChild(instance, task);
    }
  }

  #reportEnd(instance: InstanceRecord, end: Exclude<TurnEnd, { kind: 'continuedAsNew' }>): void {
    const scope = { instanceId: instance.instanceId, functionName: instance.name };
    if (end.kind === 'completed') this.#log('information', 'Orchestration completed.', scope);
    else this.#log('error', `Orchestration failed. ${end.reason}`, scope);
  }

  #finish(
    instance: InstanceRecord,
    status: 'Completed' | 'Failed' | 'Terminated',
    output: string,
    now: number,
  ) {
    instance.runtimeStatus = status;
    instance.output = output;
    instance.openTasks = {};
    instance.inbox = [];
    instance.lastUpdatedTime = now;
    this.#store.save(instance);
    this.#changed(instance);
    this.#notifyParent(instance);
  }

  #continueAsNew(instance: InstanceRecord, input: string | null, now: number): void {
    instance.executionId = newExecutionId();
    instance.input = input;
    instance.output = null;
    instance.history = [];
    instance.steps = [];
    instance.nextTaskId = 0;
    instance.openTasks = {};
    // Events not yet processed are dropped, as with the extension's default settings.
    instance.inbox = [
      executionStarted(instance, this.#store.get(instance.parentInstanceId ?? '')?.name, now),
    ];
    instance.runtimeStatus = 'Running';
    instance.lastUpdatedTime = now;
    this.#store.save(instance);
    this.#changed(instance);
    this.#log('information', 'Orchestration continued as new.', {
      instanceId: instance.instanceId,
    });
  }

  #runActivity(instance: InstanceRecord, task: CallTask): void {
    const key = `${instance.instanceId}|${instance.executionId}|${task.taskId}`;
    if (this.#stopped || this.#runningCalls.has(key)) return;
    this.#runningCalls.add(key);
    const { instanceId, executionId } = instance;
    const fn = this.#activities.get(task.name);
    const run = async (): Promise<void> => {
      const result = await invokeActivity(this.#invoker, fn, task.name, task.input, instanceId);
      this.#runningCalls.delete(key);
      this.#deliverCallResult(instanceId, executionId, task.taskId, result);
    };
    void this.#busy.track(run());
  }

  #createChild(parent: InstanceRecord, task: CallTask): void {
    const childId = task.childInstanceId as string;
    const outcome = this.startNew(task.name, childId, toJsonText(task.input), {
      instance: parent,
      taskId: task.taskId,
    });
    if ('conflict' in outcome) {
      const reason =
        `An orchestration with instance ID '${childId}' already exists and is ` +
        `${outcome.conflict.runtimeStatus}.`;
      this.#deliverCallResult(parent.instanceId, parent.executionId, task.taskId, {
        ok: false,
        reason,
        details: errorDetails(reason),
      });
    }
  }

  #reconcileChild(parent: InstanceRecord, task: CallTask): void {
    const child = this.#store.get(task.childInstanceId ?? '');
    const isOurs =
      child?.parentInstanceId === parent.instanceId &&
      child.parentExecutionId === parent.executionId &&
      child.parentTaskId === task.taskId;
    if (!isOurs) this.#createChild(parent, task);
  }

  #notifyParent(child: InstanceRecord): void {
    if (!child.parentInstanceId || child.parentExecutionId === undefined) return;
    if (child.parentTaskId === undefined) return;
    const output = parseJsonText(child.output);
    const ended =
      `Sub-orchestration '${child.name}' ` + `(${child.instanceId}) ended ${child.runtimeStatus}.`;
    const result: CallResult =
      child.runtimeStatus === 'Completed'
        ? { ok: true, resultJson: child.output ?? 'null' }
        : {
            ok: false,
            reason: typeof output === 'string' ? output : ended,
            details: errorDetails(ended),
          };
    this.#deliverCallResult(
      child.parentInstanceId,
      child.parentExecutionId,
      child.parentTaskId,
      result,
    );
  }

  #deliverCallResult(instanceId: string, executionId: string, taskId: number, result: CallResult) {
    const task = this.#store.get(instanceId)?.openTasks[taskId];
    if (!task || (task.kind !== 'activity' && task.kind !== 'subOrchestration')) return;
    this.#deliver(instanceId, executionId, taskId, callCompletion(task, result, this.#clock()));
  }

  /** Closes an open task with the event that reports it, if the task is still awaited. */
  #deliver(instanceId: string, executionId: string, taskId: number, entry: InboxEntry): void {
    if (this.#stopped) return;
    const instance = this.#liveInstance(instanceId);
    if (!instance || instance.executionId !== executionId || !(taskId in instance.openTasks))
      return;
    delete instance.openTasks[taskId];
    instance.inbox.push(entry);
    this.#store.save(instance);
    this.#scheduleTurn(instanceId);
  }

  #functionKind(name: string): FunctionKind | undefined {
    if (this.#activities.has(name)) return 'activity';
    if (this.#orchestrators.has(name)) return 'orchestration';
    return undefined;
  }

  #changed(instance: InstanceRecord): void {
    this.#changes.emit('changed', instance.instanceId);
  }
}

/** The events for one turn: everything up to the next that needs a turn of its own. */
function takeBatch(inbox: InboxEntry[]): InboxEntry[] {
  if (inbox[0]?.continuation) return [inbox[0]];
  const end = inbox.findIndex((entry) => entry.continuation);
  return inbox.slice(0, end < 0 ? inbox.length : end);
}

function failedPlan(instance: InstanceRecord, message: string): TurnPlan {
  return {
    scheduled: [],
    newSteps: [],
    nextTaskId: instance.nextTaskId,
    openedTasks: [],
    customStatus: undefined,
    end: { kind: 'failed', reason: failureReason(instance.name, message) },
  };
}

function newExecutionId(): string {
  return randomUUID().replace(/-/g, '');
}
