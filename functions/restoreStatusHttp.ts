import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { appServices } from '../shared/app/appServices';
import { json, jsonEndpoint, refuseUnknownQuery } from '../shared/http/jsonEndpoint';
import { authorizeRestore } from '../shared/restore/authorizeRestore';
import { restoreStatusView } from '../shared/restore/restoreStatusView';

app.http('restoreStatus', {
  route: 'restore/{instanceId}',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: jsonEndpoint(async (request, context) => {
    const { config } = appServices();
    authorizeRestore(config, request.headers);
    refuseUnknownQuery(request, []);
    const view = await restoreStatusView(
      df.getClient(context),
      config.hsm.name,
      request.params.instanceId ?? '',
    );
    return json(200, view);
  }),
});
