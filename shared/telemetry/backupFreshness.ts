import type { AppServices } from '../app/appServices';
import { now } from '../app/clock';
import type { LatestSuccess } from '../ledger/BackupRecord';
import type { Logger } from '../log/Logger';
import { nextOccurrences, type CronSchedule } from '../schedule/ncrontab';
import { emitEvent, recordMetric } from './telemetry';

const hourMs = 3_600_000;

/**
 * Occurrences looked at to find the schedule's longest gap (covers a weekend on weekday schedules).
 */
const occurrencesSampled = 25;

/**
 * The default ALERT_MAX_BACKUP_AGE_HOURS: twice the schedule's longest interval between two
 * occurrences, plus one hour. One missed night of a nightly schedule is 48 h old at the next
 * check; the alert fires only once a second night is missed (49 h).
 */
export function defaultMaxBackupAgeMs(schedule: CronSchedule, from: Date): number {
  const times = nextOccurrences(schedule, from, occurrencesSampled).map((d) => d.getTime());
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
  if (longest === 0) longest = 24 * hourMs; // a schedule with fewer than two occurrences left
  return 2 * longest + hourMs;
}

export interface Freshness {
  readonly stale: boolean;
  /** Absent while no backup ever succeeded. */
  readonly ageHours?: number;
  readonly thresholdHours: number;
  readonly lastSuccess?: LatestSuccess;
  readonly statusDetails: string;
}

/** Whether the newest successful backup is too old; with none at all, it is. */
export function assessFreshness(
  latest: LatestSuccess | undefined,
  at: Date,
  thresholdMs: number,
): Freshness {
  const thresholdHours = round(thresholdMs / hourMs);
  if (!latest) {
    return {
      stale: true,
      thresholdHours,
      statusDetails: 'no successful backup of this HSM is recorded in the ledger',
    };
  }
  const ageMs = Math.max(0, at.getTime() - latest.endTime.getTime());
  const ageHours = round(ageMs / hourMs);
  const stale = ageMs > thresholdMs;
  return {
    stale,
    ageHours,
    thresholdHours,
    lastSuccess: latest,
    statusDetails:
      `the newest successful backup (${latest.folder}) completed at ` +
      `${latest.endTime.toISOString()}, ${ageHours} h ago; the threshold is ${thresholdHours} h`,
  };
}

/**
 * The hourly check: reads the newest success from the ledger (one query), sends its age as a
 * metric, and a `BackupStale` warning event when it is over the threshold or there is none.
 */
export async function reportFreshness(services: AppServices, log: Logger): Promise<Freshness> {
  const { config } = services;
  const hsm = config.hsm.name;
  const at = now();
  const thresholdMs = config.telemetry.maxBackupAgeMs ?? defaultMaxBackupAgeMs(config.schedule, at);
  const freshness = assessFreshness(await services.ledger.latestSuccess(hsm), at, thresholdMs);
  if (freshness.ageHours !== undefined) {
    recordMetric('LastSuccessfulBackupAgeHours', freshness.ageHours, { hsm });
  }
  if (freshness.stale) {
    emitEvent(log, 'BackupStale', {
      hsm,
      lastSuccessAt: freshness.lastSuccess?.endTime.toISOString() ?? 'none',
      ageHours: freshness.ageHours,
      thresholdHours: freshness.thresholdHours,
      folder: freshness.lastSuccess?.folder,
      statusDetails: freshness.statusDetails,
    });
  } else {
    log.info(`Backup freshness of ${hsm}: ${freshness.statusDetails}.`);
  }
  return freshness;
}

function round(hours: number): number {
  return Math.round(hours * 100) / 100;
}
