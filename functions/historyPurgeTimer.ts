import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { appConfig } from '../shared/app/appConfig';
import { now } from '../shared/app/clock';
import { purgeHistory } from '../shared/backup/purgeHistory';
import { contextLogger } from '../shared/log/Logger';

const config = appConfig();

// Daily, at an hour no default backup schedule uses.
app.timer('historyPurgeTimer', {
  schedule: '0 17 4 * * *',
  extraInputs: [df.input.durableClient()],
  handler: async (_timer: unknown, context: InvocationContext) => {
    await purgeHistory(df.getClient(context), config, now(), contextLogger(context));
  },
});
