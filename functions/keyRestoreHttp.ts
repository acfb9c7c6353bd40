import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { restoreEndpoint } from '../shared/restore/restoreEndpoint';
import { readKeyRestoreBody } from '../shared/restore/restoreRequestBody';

// A key restore: the 30-minute rule does not apply, so there is nothing to back up first.
app.http('keyRestoreRequest', {
  route: 'restore/keys/{keyName}',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: restoreEndpoint(async (request, config) => ({
    kind: 'key',
    backupFirst: false,
    ...(await readKeyRestoreBody(request, config)),
  })),
});
