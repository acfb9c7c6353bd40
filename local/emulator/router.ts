import { bearerTokenOf, challengeHeader } from './challenge';
import type { EmulatorState } from './emulatorState';
import { errorBody, replyError, type Exchange } from './exchange';
import type { StatusRoute } from './jobStore';
import { START_OPERATIONS, type StartOperation } from './operations';
import { handleStartCall, replyUnknownOperation } from './startCall';
import { handleStatusPoll } from './statusPoll';

type Route =
  | { kind: 'start'; operation: StartOperation; pathKey?: string }
  | { kind: 'status'; statusRoute: StatusRoute; jobId: string };

/** The service's operations: method, path pattern, and what a match means. */
const ROUTES: Array<{ method: string; path: RegExp; route: (match: string) => Route }> = [
  { method: 'POST', path: /^\/backup$/, route: () => start(START_OPERATIONS.backup) },
  { method: 'POST', path: /^\/prebackup$/, route: () => start(START_OPERATIONS.preBackup) },
  { method: 'PUT', path: /^\/restore$/, route: () => start(START_OPERATIONS.restore) },
  { method: 'PUT', path: /^\/prerestore$/, route: () => start(START_OPERATIONS.preRestore) },
  {
    method: 'PUT',
    path: /^\/keys\/([^/]+)\/restore$/,
    route: (name) => start(START_OPERATIONS.keyRestore, decodePathSegment(name)),
  },
  {
    method: 'GET',
    path: /^\/backup\/([^/]+)\/pending$/,
    route: (jobId) => ({ kind: 'status', statusRoute: 'backup', jobId }),
  },
  {
    method: 'GET',
    path: /^\/restore\/([^/]+)\/pending$/,
    route: (jobId) => ({ kind: 'status', statusRoute: 'restore', jobId }),
  },
];

/**
 * Every request passes here: the challenge first (a client's first request is body-less and
 * must get 401), then the restore-mode gate, then the operation.
 */
export async function handleRequest(exchange: Exchange, state: EmulatorState): Promise<void> {
  const challenge = { 'WWW-Authenticate': challengeHeader(state.tenantId) };
  if (state.faults.take('every-request')) {
    exchange.reply(401, undefined, challenge);
    return;
  }
  const token = bearerTokenOf(exchange.authorization);
  if (token === undefined) {
    exchange.reply(401, undefined, challenge);
    return;
  }
  if (!state.acceptToken(token)) {
    exchange.reply(401, errorBody('Unauthorized', 'The access token was not accepted.'), challenge);
    return;
  }

  const route = matchRoute(exchange.method, exchange.path);
  const isRestorePoll = route?.kind === 'status' && route.statusRoute === 'restore';
  if (state.jobs.isRunning('restore') && !isRestorePoll) {
    // The real status code is not known; 409 says "not now" without blaming the caller.
    const message =
      'The HSM is being restored from a backup; only the restore status can be read until it ends.';
    replyError(exchange, 409, 'Conflict', message);
    return;
  }

  if (!route) {
    replyUnknownOperation(exchange, exchange.query.get('api-version'));
  } else if (route.kind === 'status') {
    await handleStatusPoll(exchange, state, route.statusRoute, route.jobId);
  } else {
    handleStartCall(exchange, state, route.operation, route.pathKey);
  }
}

function start(operation: StartOperation, pathKey?: string): Route {
  return { kind: 'start', operation, pathKey };
}

function matchRoute(method: string, path: string): Route | undefined {
  for (const candidate of ROUTES) {
    const match = candidate.path.exec(path);
    if (match && candidate.method === method) {
      return candidate.route(match[1]);
    }
  }
  return undefined;
}

/** A path segment as text; one that does not decode is kept as sent (and fails validation). */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
