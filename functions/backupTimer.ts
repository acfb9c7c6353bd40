import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { appConfig } from '../shared/app/appConfig';
import { now } from '../shared/app/clock';
import { startBackupCycle } from '../shared/backup/startBackupCycle';
import { contextLogger } from '../shared/log/Logger';
import { describeSchedule, nextOccurrences } from '../shared/schedule/ncrontab';
import { occurrenceOfFiring } from '../shared/schedule/occurrenceOfFiring';

// Loading the configuration here makes bad settings fail the app at start-up, naming them.
const config = appConfig();
console.log(
  `hsm-backup: backing up ${config.hsm.name} on schedule ${describeSchedule(config.schedule)}; ` +
    `next: ${nextOccurrences(config.schedule, new Date(), 3)
      .map((d) => d.toISOString())
      .join(', ')}`,
);

/** A timer may fire a moment early; within this, it still belongs to the coming occurrence. */
const earlyFiringToleranceMs = 2000;

app.timer('backupTimer', {
  schedule: config.schedule.expression,
  extraInputs: [df.input.durableClient()],
  handler: async (timer: Timer, context: InvocationContext) => {
    const log = contextLogger(context);
    // The occurrence, not the firing time, identifies the backup: a duplicate or past-due firing
    // for an occurrence that already has a backup finds its ledger row instead of starting again.
    const occurrence = occurrenceOfFiring(config.schedule, now(), earlyFiringToleranceMs);
    if (timer.isPastDue)
      log.warn(`Backup timer is past due; running for ${occurrence.toISOString()}.`);
    await startBackupCycle(df.getClient(context), config, { trigger: 'schedule', occurrence }, log);
  },
});
