/**
 * Fault switches. Each fault is a row: where it strikes, how many times by default, what it does.
 * `setFaults` replaces the whole set; a fault with a count strikes that many times, then clears
 * itself; without one it strikes until the set is replaced (except where the row says otherwise).
 */

/** Where in the handling of a request (or job) a fault is consulted. */
export type FaultStage =
  | 'every-request' // before authentication, on every request
  | 'start' // an authenticated start call, before it is looked at
  | 'start-accepted' // a start call that was accepted and whose job exists
  | 'poll-delay' // an authenticated status poll, before it is answered
  | 'poll' // an authenticated status poll, after any delay
  | 'job' // a job of any kind, when it is created
  | 'backup-job'; // a backup job, when it is created

interface FaultRule {
  stage: FaultStage;
  /** How many times it strikes when the caller gives no count. */
  defaultCount: number;
  summary: string;
}

const UNLIMITED = Number.POSITIVE_INFINITY;

export const FAULT_RULES = {
  'challenge-loop': {
    stage: 'every-request',
    defaultCount: UNLIMITED,
    summary: 'every request gets the 401 challenge, even with a token',
  },
  'throttle-start': {
    stage: 'start',
    defaultCount: UNLIMITED,
    summary: 'start calls get 429 with Retry-After',
  },
  'unavailable-start': {
    stage: 'start',
    defaultCount: UNLIMITED,
    summary: 'start calls get 503 with Retry-After',
  },
  'drop-start': {
    stage: 'start',
    defaultCount: UNLIMITED,
    summary: 'start calls have their connection destroyed; nothing starts',
  },
  'conflict-start': {
    stage: 'start',
    defaultCount: UNLIMITED,
    summary: 'start calls get 409 as if another operation ran',
  },
  'malformed-sas': {
    stage: 'start',
    defaultCount: UNLIMITED,
    summary: 'start calls get 400 as if the SAS were malformed',
  },
  'drop-start-accepted': {
    stage: 'start-accepted',
    defaultCount: UNLIMITED,
    summary: 'the job starts, but the connection is destroyed instead of answering 202',
  },
  'slow-poll': {
    stage: 'poll-delay',
    defaultCount: UNLIMITED,
    summary: 'status polls are answered after delayMs (default 2000)',
  },
  'cae-on-poll': {
    stage: 'poll',
    defaultCount: 1,
    summary: 'a status poll gets a 401 CAE challenge (insufficient_claims); once by default',
  },
  'throttle-poll': {
    stage: 'poll',
    defaultCount: UNLIMITED,
    summary: 'status polls get 429 with Retry-After',
  },
  'unavailable-poll': {
    stage: 'poll',
    defaultCount: UNLIMITED,
    summary: 'status polls get 503 with Retry-After',
  },
  'drop-poll': {
    stage: 'poll',
    defaultCount: UNLIMITED,
    summary: 'status polls have their connection destroyed',
  },
  'poll-404': {
    stage: 'poll',
    defaultCount: UNLIMITED,
    summary: 'status polls get 404 as if the job were forgotten',
  },
  'fail-null-error': {
    stage: 'job',
    defaultCount: UNLIMITED,
    summary: 'the job ends Failed with all error fields null; the reason is in statusDetails',
  },
  stuck: {
    stage: 'job',
    defaultCount: UNLIMITED,
    summary: 'the job stays InProgress forever (and keeps its slot busy)',
  },
  canceled: { stage: 'job', defaultCount: UNLIMITED, summary: 'the job ends Canceled' },
  'unknown-status': {
    stage: 'job',
    defaultCount: UNLIMITED,
    summary: "the job's status becomes 'Paused' and stays so",
  },
  'partial-write': {
    stage: 'backup-job',
    defaultCount: UNLIMITED,
    summary: 'a backup fails after writing some blobs, leaving a partial folder',
  },
} as const satisfies Record<string, FaultRule>;

export type FaultName = keyof typeof FAULT_RULES;

export const FAULT_NAMES = Object.keys(FAULT_RULES) as FaultName[];

/** A fault as the caller sets it: a bare name means the row's default count. */
export interface FaultSpec {
  name: FaultName;
  /** Strikes this many times, then clears itself. */
  count?: number;
  /** For `slow-poll`: how long to hold each answer. */
  delayMs?: number;
}

export const DEFAULT_SLOW_POLL_DELAY_MS = 2000;

interface ActiveFault {
  name: FaultName;
  remaining: number;
  delayMs?: number;
}

export class FaultBoard {
  private active: ActiveFault[] = [];

  /** Replaces every fault with `faults`; throws on an unknown name or a bad count. */
  set(faults: ReadonlyArray<FaultName | FaultSpec>): void {
    this.active = faults.map((fault) =>
      toActive(typeof fault === 'string' ? { name: fault } : fault),
    );
  }

  /**
   * Uses up one strike of the first fault set for one of `stages` (in the order they were set)
   * and returns it, or undefined when none applies.
   */
  take(...stages: FaultStage[]): FaultSpec | undefined {
    const index = this.active.findIndex((f) => stages.includes(FAULT_RULES[f.name].stage));
    if (index < 0) {
      return undefined;
    }
    const fault = this.active[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) {
      this.active.splice(index, 1);
    }
    return { name: fault.name, delayMs: fault.delayMs };
  }

  /** What is still set, with remaining counts (no count means unlimited). */
  list(): FaultSpec[] {
    return this.active.map((f) => ({
      name: f.name,
      ...(Number.isFinite(f.remaining) ? { count: f.remaining } : {}),
      ...(f.delayMs !== undefined ? { delayMs: f.delayMs } : {}),
    }));
  }
}

function toActive(spec: FaultSpec): ActiveFault {
  const rule: FaultRule | undefined = (FAULT_RULES as Record<string, FaultRule>)[spec.name];
  if (!rule) {
    throw new Error(`Unknown fault '${spec.name}'. Known faults: ${FAULT_NAMES.join(', ')}.`);
  }
  if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) {
    throw new Error(`Fault '${spec.name}' count must be a positive integer; got ${spec.count}.`);
  }
  if (spec.delayMs !== undefined && !(Number.isFinite(spec.delayMs) && spec.delayMs >= 0)) {
    throw new Error(`Fault '${spec.name}' delayMs must be a non-negative number.`);
  }
  return { name: spec.name, remaining: spec.count ?? rule.defaultCount, delayMs: spec.delayMs };
}

/**
 * Reads faults written as `name`, `name:count` or `slow-poll:count:delayMs`, comma separated
 * (the CLI's `--faults`). An empty count (`slow-poll::500`) means the default.
 */
export function parseFaultList(text: string): FaultSpec[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [name, count, delayMs] = part.split(':');
      return {
        name: name as FaultName,
        ...(count ? { count: Number(count) } : {}),
        ...(delayMs ? { delayMs: Number(delayMs) } : {}),
      };
    });
}
