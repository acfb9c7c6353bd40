import { app, type InvocationContext } from '@azure/functions';
import { appServices } from '../shared/app/appServices';
import { contextLogger } from '../shared/log/Logger';
import { reportFreshness } from '../shared/telemetry/backupFreshness';

/**
 * Hourly: the age of the newest successful backup, from the ledger, as a metric; a `BackupStale`
 * warning event when it is older than ALERT_MAX_BACKUP_AGE_HOURS or there is none. Its hourly
 * signal is also the heartbeat the "no successful backup" alert rule watches for.
 */
app.timer('freshnessTimer', {
  schedule: '0 0 * * * *',
  handler: async (_timer: unknown, context: InvocationContext) => {
    await reportFreshness(appServices(), contextLogger(context));
  },
});
