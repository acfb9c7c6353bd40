import { backupInstanceId, type BackupCycleResult } from '../../shared/backup/BackupCycle';
import type { CronSchedule } from '../../shared/schedule/ncrontab';
import { nextOccurrence } from '../../shared/schedule/ncrontab';
import type { LocalHost } from '../host';
import type { SimulatedClock } from './SimulatedClock';

export interface CycleReport {
  readonly index: number;
  readonly firedAt: Date;
  readonly runtimeStatus: string;
  readonly result?: BackupCycleResult;
}

/**
 * Fires the backup timer at the schedule's next occurrences, back to back, on simulated time:
 * before each firing the clock jumps to the next occurrence that is at least `everyMs` after the
 * previous one. Each cycle runs to its end before the next one fires.
 */
export async function runCycles(
  host: LocalHost,
  clock: SimulatedClock,
  options: {
    readonly count: number;
    readonly everyMs?: number;
    readonly schedule: CronSchedule;
    readonly hsmName: string;
    readonly timeoutMs: number;
    readonly report: (line: string) => void;
  },
): Promise<CycleReport[]> {
  const reports: CycleReport[] = [];
  let previous: Date | undefined;
  for (let index = 1; index <= options.count; index++) {
    const earliest =
      previous && options.everyMs
        ? new Date(Math.max(previous.getTime() + options.everyMs - 1000, clock.now()))
        : new Date(clock.now());
    const firedAt = nextOccurrence(options.schedule, earliest);
    if (!firedAt) throw new Error(`the schedule has no occurrence after ${earliest.toISOString()}`);
    clock.jumpTo(firedAt);
    previous = firedAt;

    await host.invokeTimer('backupTimer');
    const instance = await host.waitForInstance(backupInstanceId(options.hsmName), {
      timeoutMs: options.timeoutMs,
    });
    const result = instance.output as BackupCycleResult | undefined;
    reports.push({ index, firedAt, runtimeStatus: instance.runtimeStatus, result });
    options.report(describeCycle(index, options.count, firedAt, instance.runtimeStatus, result));
  }
  return reports;
}

function describeCycle(
  index: number,
  count: number,
  firedAt: Date,
  runtimeStatus: string,
  result: BackupCycleResult | undefined,
): string {
  const head = `cycle ${index}/${count} at ${firedAt.toISOString()} (simulated):`;
  if (!result) return `${head} orchestration ${runtimeStatus}, no result`;
  const where = result.folder ? ` ${result.folder}` : '';
  const why =
    result.status === 'Succeeded' ? '' : ` - ${result.failureCode ?? ''} ${result.reason ?? ''}`;
  const pruned = result.prune?.prunedFolders.length
    ? `; pruned ${result.prune.prunedFolders.join(', ')}`
    : '';
  return `${head} ${result.status}${where} (job ${result.jobId ?? '-'})${why}${pruned}`;
}

/** True when every cycle ran to completion and recorded a successful backup. */
export function allSucceeded(reports: readonly CycleReport[]): boolean {
  return reports.every((r) => r.runtimeStatus === 'Completed' && r.result?.status === 'Succeeded');
}
