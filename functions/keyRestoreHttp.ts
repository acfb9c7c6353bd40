import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { appServices } from '../shared/app/appServices';
import { json, jsonEndpoint } from '../shared/http/jsonEndpoint';
import { authorizeRestore } from '../shared/restore/authorizeRestore';
import { readKeyRestoreBody } from '../shared/restore/restoreRequestBody';
import { requestRestore } from '../shared/restore/requestRestore';

app.http('keyRestoreRequest', {
  route: 'restore/keys/{keyName}',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: jsonEndpoint(async (request, context, log) => {
    const services = appServices();
    const principal = authorizeRestore(services.config, request.headers);
    const body = await readKeyRestoreBody(request, services.config);
    const accepted = await requestRestore(
      df.getClient(context),
      services,
      { kind: 'key', ...body, backupFirst: false, requestedBy: principal?.name },
      log,
    );
    return json(202, accepted, { location: accepted.statusUrl });
  }),
});
