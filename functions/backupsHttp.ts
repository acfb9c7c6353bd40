import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { appServices } from '../shared/app/appServices';
import { backupListView } from '../shared/backup/backupListView';
import { requestBackup } from '../shared/backup/requestBackup';
import { json, jsonEndpoint } from '../shared/http/jsonEndpoint';

app.http('backups', {
  route: 'backups',
  methods: ['GET', 'POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: jsonEndpoint(async (request, context, log) => {
    const services = appServices();
    if (request.method === 'GET') return json(200, await backupListView(services, request));
    const accepted = await requestBackup(df.getClient(context), services, request, log);
    return json(202, accepted, { location: accepted.statusUrl });
  }),
});
