/**
 * The part of the Durable extension's HTTP API that `DurableClient` calls through `rpcBaseUrl`:
 * start, status (one, filtered, paged), raise event, terminate and purge, with the status codes
 * and bodies the client checks for. Suspend, resume, rewind, restart and entities answer 501.
 */
import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { readBody, sendEmpty, sendJson } from '../httpUtil';
import { DurableEndpoints, managementUrls } from './clientBinding';
import { InstanceRecord, RuntimeStatus, terminalStatuses } from './instanceStore';
import type { OrchestrationEngine } from './orchestrationEngine';
import { statusPayload } from './statusPayload';

export interface WebhookSettings {
  engine: OrchestrationEngine;
  endpoints: () => DurableEndpoints;
  clock: () => number;
  maxRequestBodyBytes: number;
}

const runtimeStatuses: RuntimeStatus[] = [
  'Pending',
  'Running',
  'Completed',
  'Failed',
  'Terminated',
  'ContinuedAsNew',
];
const defaultPageSize = 100;

export async function serveDurableWebhook(
  settings: WebhookSettings,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  subPath: string,
): Promise<void> {
  let segments: string[];
  try {
    segments = subPath
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    return sendError(response, 400, 'The request path is not valid URL encoding.');
  }
  const method = request.method ?? 'GET';
  const [controller, first, second, third] = segments;

  if (controller === 'orchestrators' && first && segments.length <= 3 && method === 'POST') {
    return startOrchestration(settings, request, response, url, first, second);
  }
  if (controller === 'instances' && segments.length === 1) {
    if (method === 'GET') return listInstances(settings, request, response, url);
    if (method === 'DELETE') return purgeByFilter(settings, response, url);
  }
  if (controller === 'instances' && segments.length === 2) {
    if (method === 'GET') return getStatus(settings, response, url, first);
    if (method === 'DELETE') return purgeOne(settings, response, first);
  }
  if (controller === 'instances' && segments.length === 3 && method === 'POST') {
    if (second === 'terminate') return terminate(settings, response, url, first);
    if (['suspend', 'resume', 'rewind', 'restart'].includes(second)) {
      return notSupported(response, `The ${second} operation`);
    }
  }
  if (controller === 'instances' && second === 'raiseEvent' && third && method === 'POST') {
    return raiseEvent(settings, request, response, first, third);
  }
  if (controller === 'entities') return notSupported(response, 'Durable entities');
  return sendEmpty(response, 404);
}

async function startOrchestration(
  settings: WebhookSettings,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  functionName: string,
  requestedId: string | undefined,
): Promise<void> {
  if (!settings.engine.hasOrchestrator(functionName)) {
    return sendError(
      response,
      400,
      `The function '${functionName}' doesn't exist, is disabled, or is not an ` +
        `orchestrator function.`,
    );
  }
  const idProblem = requestedId === undefined ? undefined : instanceIdProblem(requestedId);
  if (idProblem) return sendError(response, 400, idProblem);
  const body = await readJsonBody(settings, request, response);
  if (body === undefined) return;
  const instanceId = requestedId ?? randomInstanceId();
  const outcome = settings.engine.startNew(functionName, instanceId, body);
  if ('conflict' in outcome) {
    const status = outcome.conflict.runtimeStatus;
    return sendError(
      response,
      409,
      `An Orchestration instance with the status ${status} already exists.`,
    );
  }
  const links = managementUrls(settings.endpoints(), instanceId, url.origin);
  sendJson(response, 202, links, { location: links.statusQueryGetUri, 'retry-after': '10' });
}

function getStatus(
  settings: WebhookSettings,
  response: ServerResponse,
  url: URL,
  id: string,
): void {
  const instance = settings.engine.store.get(id);
  if (!instance) return sendEmpty(response, 404);
  const query = url.searchParams;
  const payload = statusPayload(instance, {
    showHistory: booleanParam(query, 'showHistory') ?? false,
    showHistoryOutput: booleanParam(query, 'showHistoryOutput') ?? false,
    showInput: booleanParam(query, 'showInput') ?? true,
  });
  const running = !terminalStatuses.has(instance.runtimeStatus);
  if (running) {
    return sendJson(response, 202, payload, { location: url.href, 'retry-after': '5' });
  }
  const failedAs500 =
    instance.runtimeStatus === 'Failed' &&
    booleanParam(query, 'returnInternalServerErrorOnFailure');
  sendJson(response, failedAs500 ? 500 : 200, payload);
}

function listInstances(
  settings: WebhookSettings,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): void {
  const query = url.searchParams;
  const prefix = query.get('instanceIdPrefix');
  const matching = filterInstances(settings.engine.store.all(), query).filter(
    (instance) => prefix === null || instance.instanceId.startsWith(prefix),
  );
  const pageSize = Math.max(1, Number(query.get('top')) || defaultPageSize);
  const token = request.headers['x-ms-continuation-token'];
  const offset =
    typeof token === 'string' && token !== ''
      ? Number(Buffer.from(token, 'base64').toString()) || 0
      : 0;
  const page = matching.slice(offset, offset + pageSize);
  const showInput = booleanParam(query, 'showInput') ?? true;
  const headers: Record<string, string> = {};
  if (offset + pageSize < matching.length) {
    headers['x-ms-continuation-token'] = Buffer.from(String(offset + pageSize)).toString('base64');
  }
  sendJson(
    response,
    200,
    page.map((instance) => statusPayload(instance, { showInput })),
    headers,
  );
}

function purgeOne(settings: WebhookSettings, response: ServerResponse, id: string): void {
  const instance = settings.engine.store.get(id);
  if (!instance) return sendEmpty(response, 404);
  if (!terminalStatuses.has(instance.runtimeStatus)) {
    return sendJson(
      response,
      412,
      `Only orchestrations in a terminal state can be purged, but the orchestration with ` +
        `instance ID ${id} has status ${instance.runtimeStatus}`,
    );
  }
  settings.engine.store.remove(id);
  sendJson(response, 200, { instancesDeleted: 1 });
}

function purgeByFilter(settings: WebhookSettings, response: ServerResponse, url: URL): void {
  const query = url.searchParams;
  if (dateParam(query, 'createdTimeFrom') === undefined) {
    return sendJson(response, 400, "Please provide value for 'createdTimeFrom' parameter.");
  }
  // Running instances are left alone: the engine still owns them.
  const doomed = filterInstances(settings.engine.store.all(), query, settings.clock()).filter(
    (instance) => terminalStatuses.has(instance.runtimeStatus),
  );
  for (const instance of doomed) settings.engine.store.remove(instance.instanceId);
  if (doomed.length === 0) return sendEmpty(response, 404);
  sendJson(response, 200, { instancesDeleted: doomed.length });
}

function terminate(
  settings: WebhookSettings,
  response: ServerResponse,
  url: URL,
  id: string,
): void {
  const instance = settings.engine.store.get(id);
  if (!instance) return sendEmpty(response, 404);
  if (terminalStatuses.has(instance.runtimeStatus)) return sendEmpty(response, 410);
  settings.engine.terminate(id, url.searchParams.get('reason') ?? '');
  sendEmpty(response, 202);
}

async function raiseEvent(
  settings: WebhookSettings,
  request: IncomingMessage,
  response: ServerResponse,
  id: string,
  eventName: string,
): Promise<void> {
  const instance = settings.engine.store.get(id);
  if (!instance) return sendEmpty(response, 404);
  if (terminalStatuses.has(instance.runtimeStatus)) return sendEmpty(response, 410);
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return sendError(response, 400, 'Only application/json request content is supported');
  }
  const body = await readJsonBody(settings, request, response);
  if (body === undefined) return;
  settings.engine.raiseEvent(id, eventName, body);
  sendEmpty(response, 202);
}

/** The body as JSON text (null when empty); undefined after answering a bad or oversized body. */
async function readJsonBody(
  settings: WebhookSettings,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<string | null | undefined> {
  const body = await readBody(request, settings.maxRequestBodyBytes);
  if (!body.ok) {
    sendEmpty(response, 413);
    return undefined;
  }
  const text = body.body.toString('utf8');
  if (text.trim() === '') return null;
  try {
    JSON.parse(text);
  } catch {
    sendError(response, 400, 'Invalid JSON content');
    return undefined;
  }
  return text;
}

function filterInstances(instances: InstanceRecord[], query: URLSearchParams, defaultTo?: number) {
  const from = dateParam(query, 'createdTimeFrom');
  const to = dateParam(query, 'createdTimeTo') ?? defaultTo;
  const wanted = (query.get('runtimeStatus') ?? '')
    .split(',')
    .map((s) => runtimeStatuses.find((status) => status.toLowerCase() === s.trim().toLowerCase()))
    .filter((s): s is RuntimeStatus => s !== undefined);
  return instances
    .filter((instance) => from === undefined || instance.createdTime >= from)
    .filter((instance) => to === undefined || instance.createdTime <= to)
    .filter((instance) => wanted.length === 0 || wanted.includes(instance.runtimeStatus))
    .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
}

function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name)?.toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

function dateParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (!value) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Durable's rules for caller-chosen instance ids. */
function instanceIdProblem(id: string): string | undefined {
  if (id.startsWith('@')) return 'Orchestration instance ids must not start with @.';
  if (/[/\\?#\u0000-\u001f\u007f]/.test(id)) {
    return 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.';
  }
  if (id.length > 256) return 'Instance ID lengths must not exceed 256 characters.';
  return undefined;
}

function randomInstanceId(): string {
  return randomUUID().replace(/-/g, '');
}

function sendError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { Message: message });
}

function notSupported(response: ServerResponse, what: string): void {
  sendError(response, 501, `${what} is not supported by the local host.`);
}
