import { isKnownApiVersion } from './apiVersions';
import { claimsChallengeHeader } from './challenge';
import { delay } from './delay';
import type { EmulatorState } from './emulatorState';
import { replyError, type Exchange } from './exchange';
import { DEFAULT_SLOW_POLL_DELAY_MS } from './faults';
import { jobBody, type StatusRoute } from './jobStore';

/**
 * `GET /backup/{id}/pending` and `GET /restore/{id}/pending`: the job as it stands. Accepted
 * with or without api-version, since clients follow Azure-AsyncOperation as given.
 */
export async function handleStatusPoll(
  exchange: Exchange,
  state: EmulatorState,
  route: StatusRoute,
  jobId: string,
): Promise<void> {
  const slow = state.faults.take('poll-delay');
  if (slow) {
    await delay(slow.delayMs ?? DEFAULT_SLOW_POLL_DELAY_MS, state.stopSignal);
    if (state.stopSignal.aborted) {
      exchange.drop();
      return;
    }
  }

  const retryAfter = { 'Retry-After': String(state.retryAfterSeconds) };
  switch (state.faults.take('poll')?.name) {
    case 'cae-on-poll':
      exchange.reply(
        401,
        {
          error: { code: 'Unauthorized', message: 'The token needs new claims.', innererror: null },
        },
        { 'WWW-Authenticate': claimsChallengeHeader(state.clock.nowEpochSeconds()) },
      );
      return;
    case 'throttle-poll':
      replyError(exchange, 429, 'Throttled', 'Too many requests; retry later.', retryAfter);
      return;
    case 'unavailable-poll':
      replyError(exchange, 503, 'ServiceUnavailable', 'The service is unavailable.', retryAfter);
      return;
    case 'drop-poll':
      exchange.drop();
      return;
    case 'poll-404':
      replyJobNotFound(exchange, jobId);
      return;
    default:
      break;
  }

  const apiVersion = exchange.query.get('api-version');
  if (apiVersion !== null && !isKnownApiVersion(apiVersion)) {
    replyError(exchange, 400, 'BadParameter', `The api-version '${apiVersion}' is not supported.`);
    return;
  }
  const job = state.jobs.find(jobId, route);
  if (!job) {
    replyJobNotFound(exchange, jobId);
    return;
  }
  exchange.reply(200, jobBody(job));
}

function replyJobNotFound(exchange: Exchange, jobId: string): void {
  replyError(exchange, 404, 'NotFound', `No job with id '${jobId}' is known to this HSM.`);
}
