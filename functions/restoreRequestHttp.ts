import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { restoreEndpoint } from '../shared/restore/restoreEndpoint';
import { readFullRestoreBody } from '../shared/restore/restoreRequestBody';

app.http('restoreRequest', {
  route: 'restore',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: restoreEndpoint(async (request, config) => ({
    kind: 'full',
    ...(await readFullRestoreBody(request, config)),
  })),
});
