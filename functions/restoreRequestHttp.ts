import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { appServices } from '../shared/app/appServices';
import { json, jsonEndpoint } from '../shared/http/jsonEndpoint';
import { authorizeRestore } from '../shared/restore/authorizeRestore';
import { readFullRestoreBody } from '../shared/restore/restoreRequestBody';
import { requestRestore } from '../shared/restore/requestRestore';

app.http('restoreRequest', {
  route: 'restore',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: jsonEndpoint(async (request, context, log) => {
    const services = appServices();
    const principal = authorizeRestore(services.config, request.headers);
    const body = await readFullRestoreBody(request, services.config);
    const accepted = await requestRestore(
      df.getClient(context),
      services,
      { kind: 'full', ...body, requestedBy: principal?.name },
      log,
    );
    return json(202, accepted, { location: accepted.statusUrl });
  }),
});
