import type { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { appServices } from '../app/appServices';
import type { AppConfig } from '../config/AppConfig';
import { json, jsonEndpoint } from '../http/jsonEndpoint';
import { authorizeRestore } from './authorizeRestore';
import { requestRestore, type RestoreRequest } from './requestRestore';

/**
 * The one path every restore request takes: the gates (restores on, caller allowed), the
 * endpoint's own body reading, the checks and the start; `202` with the status URL.
 */
export function restoreEndpoint(
  readRequest: (
    request: HttpRequest,
    config: AppConfig,
  ) => Promise<Omit<RestoreRequest, 'requestedBy'>>,
) {
  return jsonEndpoint(async (request, context, log) => {
    const services = appServices();
    const principal = authorizeRestore(services.config, request.headers);
    const restore = await readRequest(request, services.config);
    const client = df.getClient(context);
    const accepted = await requestRestore(
      client,
      services,
      { ...restore, requestedBy: principal?.name },
      log,
    );
    return json(202, accepted, { location: accepted.statusUrl });
  });
}
