import { isKnownApiVersion, KNOWN_API_VERSIONS, supportsPreChecks } from './apiVersions';
import type { EmulatorState } from './emulatorState';
import { replyError, type Exchange } from './exchange';
import { STATUS_ROUTE_OF, jobBody } from './jobStore';
import type { FaultName } from './faults';
import type { PreparedStart, StartOperation } from './operations';
import { BadStartRequest, MALFORMED_SAS_CODE, malformedSasMessage } from './requestBodies';

/**
 * A start call: front-door faults, api-version, body, the service's rules, then a job and 202.
 * Anything refused here starts nothing.
 */
export function handleStartCall(
  exchange: Exchange,
  state: EmulatorState,
  operation: StartOperation,
  pathKey?: string,
): void {
  const fault = state.faults.take('start');
  if (fault) {
    answerStartFault(exchange, state, fault.name);
    return;
  }

  const apiVersion = exchange.query.get('api-version');
  if (!apiVersion) {
    replyError(exchange, 400, 'BadParameter', "The 'api-version' query parameter is required.");
    return;
  }
  if (!isKnownApiVersion(apiVersion)) {
    const known = KNOWN_API_VERSIONS.join(', ');
    const message = `The api-version '${apiVersion}' is not supported. Supported: ${known}.`;
    replyError(exchange, 400, 'BadParameter', message);
    return;
  }
  if (operation.isPreCheck && !supportsPreChecks(apiVersion)) {
    replyUnknownOperation(exchange, apiVersion);
    return;
  }

  let prepared: PreparedStart;
  try {
    const body = parseJsonBody(exchange.body);
    prepared = operation.prepare(state, body, exchange.receivedAtMs, pathKey);
  } catch (error) {
    if (error instanceof BadStartRequest) {
      replyError(exchange, 400, error.code, error.message);
      return;
    }
    throw error;
  }

  const conflict = operation.conflict(state);
  if (conflict) {
    replyError(exchange, 409, 'Conflict', conflict);
    return;
  }

  const job = state.jobs.create(operation.kind, Math.floor(exchange.receivedAtMs / 1000));
  const jobStages =
    operation.kind === 'backup' ? (['job', 'backup-job'] as const) : (['job'] as const);
  state.runner.run(job, prepared.work, state.faults.take(...jobStages)?.name);
  state.requestLog.countAccepted(operation.kind);
  state.log(`${operation.kind} job ${job.jobId} accepted`);

  if (state.faults.take('start-accepted')) {
    exchange.drop();
    return;
  }
  const statusUrl = `https://${exchange.host}/${STATUS_ROUTE_OF[job.kind]}/${job.jobId}/pending`;
  exchange.reply(202, jobBody(job), {
    'Azure-AsyncOperation': statusUrl,
    'Retry-After': String(state.retryAfterSeconds),
  });
}

/** What the service answers to a method and path it does not have (or not at this version). */
export function replyUnknownOperation(exchange: Exchange, apiVersion: string | null): void {
  const at = apiVersion ? ` at api-version ${apiVersion}` : '';
  const message = `The operation '${exchange.method} ${exchange.path}' is not supported${at}.`;
  replyError(exchange, 400, 'BadParameter', message);
}

function answerStartFault(exchange: Exchange, state: EmulatorState, fault: FaultName): void {
  const retryAfter = { 'Retry-After': String(state.retryAfterSeconds) };
  switch (fault) {
    case 'throttle-start':
      replyError(exchange, 429, 'Throttled', 'Too many requests; retry later.', retryAfter);
      return;
    case 'unavailable-start':
      replyError(exchange, 503, 'ServiceUnavailable', 'The service is unavailable.', retryAfter);
      return;
    case 'conflict-start':
      replyError(exchange, 409, 'Conflict', 'Another operation is in progress.');
      return;
    case 'malformed-sas':
      replyError(exchange, 400, MALFORMED_SAS_CODE, malformedSasMessage('it could not be parsed'));
      return;
    case 'drop-start':
    default:
      exchange.drop();
  }
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) {
    throw new BadStartRequest(
      'BadParameter',
      'The request body is empty; a JSON object is required.',
    );
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadStartRequest('BadParameter', 'The request body is not valid JSON.');
  }
}
