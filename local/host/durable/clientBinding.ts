/**
 * The `durableClient` input binding: the JSON the extension gives a client function, which
 * durable-functions' `getClient` turns into a `DurableClient`. Its `rpcBaseUrl` points at this
 * host's webhook API, which the client then calls for every operation.
 */

export const webhookBasePath = '/runtime/webhooks/durabletask';

const instanceIdPlaceholder = 'INSTANCEID';

export interface DurableEndpoints {
  /** e.g. `http://127.0.0.1:7071` */
  origin: string;
  taskHubName: string;
  systemKey: string;
  connectionName: string;
}

export interface HttpManagementPayload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export function durableClientInputData(endpoints: DurableEndpoints): Record<string, unknown> {
  const base = `${endpoints.origin}${webhookBasePath}`;
  const orchestrators = `${base}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: endpoints.taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${orchestrators}?code=${endpoints.systemKey}`,
      createAndWaitOnNewInstancePostUri:
        `${orchestrators}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}` +
        `&code=${endpoints.systemKey}`,
    },
    managementUrls: managementUrls(endpoints, instanceIdPlaceholder, endpoints.origin),
    baseUrl: base,
    requiredQueryStringParameters: `code=${endpoints.systemKey}`,
    rpcBaseUrl: `${base}/`,
    httpBaseUrl: base,
  };
}

/** The links a check-status response carries, for one instance, on the caller's origin. */
export function managementUrls(
  endpoints: DurableEndpoints,
  instanceId: string,
  origin: string,
): HttpManagementPayload {
  const instance = `${origin}${webhookBasePath}/instances/${encodeURIComponent(instanceId)}`;
  const hub = encodeURIComponent(endpoints.taskHubName);
  const connection = encodeURIComponent(endpoints.connectionName);
  const query = `taskHub=${hub}&connection=${connection}&code=${endpoints.systemKey}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}
