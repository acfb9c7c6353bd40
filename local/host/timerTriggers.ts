/**
 * Timer-triggered functions: their NCRONTAB schedules, firing on schedule against the host clock
 * when asked to, and on demand. The trigger data is the TimerInfo the Functions host sends;
 * `@azure/functions` camel-cases it into `{ schedule, scheduleStatus, isPastDue }`.
 */
import type { RegisteredFunction } from './appLoader';
import type { BusyTracker } from './busyTracker';
import type { RpcParameterBinding } from './coreTypes';
import type { HostLog } from './hostLog';
import { describeError } from './httpTriggers';
import type { Invoker } from './invoker';
import { CronSchedule, nextOccurrence, parseNcrontab } from './ncrontab';

export interface InvokeTimerOptions {
  /** The occurrence being run; defaults to now by the host clock. */
  scheduledTime?: Date;
  isPastDue?: boolean;
}

interface TimerFunction {
  fn: RegisteredFunction;
  schedule: CronSchedule;
  runOnStartup: boolean;
  /** The occurrence that ran last, for `ScheduleStatus.Last`. */
  lastScheduled?: number;
  /** The next occurrence to fire when timers run on schedule. */
  next: number;
  running: boolean;
}

export interface TimerTriggerSettings {
  invoker: Invoker;
  clock: () => number;
  log: HostLog;
  busy: BusyTracker;
  extraInputs: (fn: RegisteredFunction) => RpcParameterBinding[];
}

/** .NET's `default(DateTime)`, which the host reports before a timer has ever run. */
const neverRan = '0001-01-01T00:00:00';

export class TimerTriggers {
  readonly #timers = new Map<string, TimerFunction>();

  constructor(
    functions: RegisteredFunction[],
    private readonly settings: TimerTriggerSettings,
  ) {
    const now = settings.clock();
    for (const fn of functions.filter((f) => f.triggerType === 'timertrigger')) {
      const expression = resolveAppSetting(String(fn.trigger.schedule ?? ''), fn.name);
      const schedule = parseNcrontab(expression);
      this.#timers.set(fn.name, {
        fn,
        schedule,
        runOnStartup: fn.trigger.runOnStartup === true,
        next: nextOccurrence(schedule, now),
        running: false,
      });
    }
  }

  scheduleOf(name: string): string | undefined {
    return this.#timers.get(name)?.schedule.expression;
  }

  /** Runs a timer function now; rejects with the function's error if it throws. */
  async invoke(name: string, options: InvokeTimerOptions = {}): Promise<void> {
    const timer = this.#timers.get(name);
    if (!timer) throw new Error(`No timer-triggered function is named '${name}'.`);
    const scheduled = options.scheduledTime?.getTime() ?? this.settings.clock();
    await this.#run(timer, scheduled, options.isPastDue ?? false, true);
  }

  /** Plans every timer's next firing from now: for timers switched on after the host started. */
  rearm(): void {
    const now = this.settings.clock();
    for (const timer of this.#timers.values()) timer.next = nextOccurrence(timer.schedule, now);
  }

  startup(): void {
    for (const timer of this.#timers.values()) {
      if (timer.runOnStartup) void this.#run(timer, this.settings.clock(), false, false);
    }
  }

  /** Fires each timer whose next occurrence has passed; missed occurrences fire once, past due. */
  fireDue(): void {
    const now = this.settings.clock();
    for (const timer of this.#timers.values()) {
      if (timer.running || timer.next > now) continue;
      const scheduled = timer.next;
      const following = nextOccurrence(timer.schedule, scheduled);
      const isPastDue = following <= now;
      timer.next = isPastDue ? nextOccurrence(timer.schedule, now) : following;
      void this.#run(timer, scheduled, isPastDue, false);
    }
  }

  async #run(timer: TimerFunction, scheduled: number, isPastDue: boolean, rethrow: boolean) {
    const { fn } = timer;
    const timerInfo = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: timer.lastScheduled === undefined ? neverRan : iso(timer.lastScheduled),
        Next: iso(nextOccurrence(timer.schedule, scheduled)),
        LastUpdated: iso(this.settings.clock()),
      },
      IsPastDue: isPastDue,
    };
    timer.running = true;
    timer.lastScheduled = scheduled;
    const inputData: RpcParameterBinding[] = [
      { name: fn.triggerName, data: { json: JSON.stringify(timerInfo) } },
      ...this.settings.extraInputs(fn),
    ];
    try {
      const outcome = await this.settings.busy.track(
        this.settings.invoker.invoke(fn, { inputData }),
      );
      if (!outcome.ok) {
        const scope = { functionName: fn.name, invocationId: outcome.invocationId };
        this.settings.log(
          'error',
          `Executed '${fn.name}' (Failed): ${describeError(outcome.error)}`,
          scope,
        );
        if (rethrow) throw outcome.error;
      }
    } finally {
      timer.running = false;
    }
  }
}

/** A schedule may name an app setting as `%NAME%`, as on the Functions host. */
function resolveAppSetting(schedule: string, functionName: string): string {
  const setting = /^%([^%]+)%$/.exec(schedule.trim());
  if (!setting) return schedule;
  const value = process.env[setting[1]];
  if (!value) {
    throw new Error(
      `Timer function '${functionName}' names app setting '${setting[1]}', which is not set.`,
    );
  }
  return value;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
