import { app } from '@azure/functions';
import { appServices } from '../shared/app/appServices';
import { ApiError } from '../shared/http/ApiError';
import { json, jsonEndpoint, queryOf, refuseUnknownQuery } from '../shared/http/jsonEndpoint';
import { readRetentionPlanInput } from '../shared/retention/readRetentionInputs';
import {
  buildRetentionPreview,
  renderRetentionPreview,
} from '../shared/retention/retentionPreview';

app.http('retentionPreview', {
  route: 'retention/preview',
  methods: ['GET'],
  authLevel: 'function',
  handler: jsonEndpoint(async (request) => {
    refuseUnknownQuery(request, ['format']);
    const format = queryOf(request).get('format') ?? 'json';
    if (format !== 'json' && format !== 'text') {
      throw new ApiError(400, 'InvalidParameter', '"format" must be json or text.');
    }
    const services = appServices();
    const preview = buildRetentionPreview(
      await readRetentionPlanInput(services, services.config.hsm.name),
    );
    if (format === 'json') return json(200, preview);
    return {
      status: 200,
      body: `${renderRetentionPreview(preview)}\n`,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    };
  }),
});
