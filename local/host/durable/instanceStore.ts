/**
 * Orchestration instances: their history, the events waiting for the next turn, and the host's
 * own bookkeeping of open work. With a state directory, every change is written before the host
 * acts on it (one JSON file per instance, written to a temporary file and renamed), so a host
 * killed at any point can be restarted from the files and resume each unfinished instance.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { HistoryEvent } from './historyEvents';

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'ContinuedAsNew';

export const terminalStatuses: ReadonlySet<RuntimeStatus> = new Set([
  'Completed',
  'Failed',
  'Terminated',
]);

export type StepKind =
  | 'CallActivity'
  | 'CallActivityWithRetry'
  | 'CallSubOrchestrator'
  | 'CallSubOrchestratorWithRetry'
  | 'CreateTimer'
  | 'WaitForExternalEvent';

/** One orchestrator action already recorded in history, kept to detect non-determinism. */
export interface RecordedStep {
  kind: StepKind;
  name?: string;
  fireAt?: string;
  instanceId?: string;
}

export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
}

/** An activity or sub-orchestration call, as much as is needed to make (or retry) it. */
export interface CallWork {
  kind: 'activity' | 'subOrchestration';
  name: string;
  input: unknown;
  attempt: number;
  retry?: RetryPolicy;
  /** The sub-orchestration instance id the orchestrator asked for, if any. */
  requestedInstanceId?: string;
}

/** Open work by task id: a call waiting for its result, or a timer waiting to fire. */
export type OpenTask =
  | (CallWork & { taskId: number; childInstanceId?: string })
  /** `finalFireAt` marks one leg of a long timer, which Durable splits into legs of 3 days. */
  | { kind: 'timer'; taskId: number; fireAt: number; finalFireAt?: number }
  | { kind: 'retryTimer'; taskId: number; fireAt: number; work: CallWork };

/** What the host does, Durable Task style, when a turn processes an event. */
export type Continuation =
  | { kind: 'retryDelay'; work: CallWork }
  | { kind: 'retryAttempt'; work: CallWork }
  | { kind: 'longTimer'; finalFireAt: number };

export interface InboxEntry {
  event: HistoryEvent;
  continuation?: Continuation;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  parentInstanceId?: string;
  parentExecutionId?: string;
  parentTaskId?: number;
  runtimeStatus: RuntimeStatus;
  createdTime: number;
  lastUpdatedTime: number;
  /** JSON text of the current execution's input, output and custom status. */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  history: HistoryEvent[];
  inbox: InboxEntry[];
  steps: RecordedStep[];
  nextTaskId: number;
  openTasks: Record<string, OpenTask>;
}

export class InstanceStore {
  readonly #instances = new Map<string, InstanceRecord>();
  readonly #directory: string | undefined;
  #writeCounter = 0;

  /**
   * @param crashPoint called before and after every durable write with how many writes this
   *   store has begun: the hook tests use to crash the host at an exact step boundary.
   */
  constructor(
    stateDir: string | undefined,
    private readonly crashPoint?: (writes: number, moment: 'before' | 'after') => void,
  ) {
    this.#directory = stateDir ? path.join(stateDir, 'instances') : undefined;
    if (this.#directory) fs.mkdirSync(this.#directory, { recursive: true });
  }

  get(instanceId: string): InstanceRecord | undefined {
    return this.#instances.get(instanceId);
  }

  all(): InstanceRecord[] {
    return [...this.#instances.values()];
  }

  /** Records the instance as it is now; with a state directory, durably, before returning. */
  save(instance: InstanceRecord): void {
    this.#instances.set(instance.instanceId, instance);
    if (!this.#directory) return;
    const file = this.#fileFor(instance.instanceId);
    const temporary = `${file}.${process.pid}.${++this.#writeCounter}.tmp`;
    this.crashPoint?.(this.#writeCounter, 'before');
    fs.writeFileSync(temporary, JSON.stringify(instance));
    fs.renameSync(temporary, file);
    this.crashPoint?.(this.#writeCounter, 'after');
  }

  remove(instanceId: string): boolean {
    const existed = this.#instances.delete(instanceId);
    if (this.#directory) fs.rmSync(this.#fileFor(instanceId), { force: true });
    return existed;
  }

  /** Reads every instance file left by an earlier host with the same state directory. */
  loadFromDisk(): InstanceRecord[] {
    if (!this.#directory) return [];
    const loaded: InstanceRecord[] = [];
    for (const entry of fs.readdirSync(this.#directory)) {
      const file = path.join(this.#directory, entry);
      if (entry.endsWith('.tmp')) {
        // A write the previous host did not finish: the renamed file before it is the truth.
        fs.rmSync(file, { force: true });
        continue;
      }
      if (!entry.endsWith('.json')) continue;
      const instance = JSON.parse(fs.readFileSync(file, 'utf8')) as InstanceRecord;
      this.#instances.set(instance.instanceId, instance);
      loaded.push(instance);
    }
    return loaded;
  }

  #fileFor(instanceId: string): string {
    return path.join(this.#directory as string, `${encodeURIComponent(instanceId)}.json`);
  }
}
