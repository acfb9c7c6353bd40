import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { appServices } from '../shared/app/appServices';
import { backupRunView } from '../shared/backup/backupRunView';
import { json, jsonEndpoint, refuseUnknownQuery } from '../shared/http/jsonEndpoint';

app.http('backupRun', {
  route: 'backups/{instanceId}',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: jsonEndpoint(async (request, context) => {
    refuseUnknownQuery(request, []);
    const { config } = appServices();
    return json(
      200,
      await backupRunView(df.getClient(context), config.hsm.name, request.params.instanceId ?? ''),
    );
  }),
});
