import { HsmRequestError } from '../hsm/HsmRequestError';
import type { StartedJob } from '../hsm/ManagedHsmClient';
import type { Logger } from '../log/Logger';

export type StartOutcome =
  | { readonly outcome: 'started'; readonly jobId: string; readonly retryAfterSeconds?: number }
  | {
      readonly outcome: 'unavailable';
      readonly reason: string;
      readonly retryAfterSeconds?: number;
      /**
       * The request may have reached the HSM but no answer came back (timeout, dropped
       * connection): the job may have been accepted. A 429 or 503 is a definite "not now".
       */
      readonly answerLost?: boolean;
    }
  | {
      readonly outcome: 'refused';
      readonly failureCode: 'HsmBusy' | 'StartRefused';
      readonly reason: string;
    };

/**
 * Starts an HSM job and sorts the answer for the orchestration: retriable failures come back as
 * `unavailable` (with the service's Retry-After, to wait out on a durable timer), a 409 as the
 * HSM being busy, other refusals as permanent. Anything else (storage, bugs) is thrown.
 */
export async function startJobSafely(
  what: string,
  start: () => Promise<StartedJob>,
  log: Logger,
): Promise<StartOutcome> {
  try {
    const { jobId, retryAfterSeconds } = await start();
    log.info(`${what}: the HSM accepted job ${jobId}.`);
    return { outcome: 'started', jobId, retryAfterSeconds };
  } catch (error) {
    if (!(error instanceof HsmRequestError)) throw error;
    if (error.kind === 'retriable') {
      log.warn(`${what}: could not start yet: ${error.message}`);
      return {
        outcome: 'unavailable',
        reason: error.message,
        retryAfterSeconds: error.details.retryAfterSeconds,
        answerLost: error.details.statusCode === undefined,
      };
    }
    log.warn(`${what}: the HSM refused the start: ${error.message}`);
    if (error.kind === 'conflict') {
      return {
        outcome: 'refused',
        failureCode: 'HsmBusy',
        reason: `the HSM was busy with another operation and refused the start (${error.message})`,
      };
    }
    return { outcome: 'refused', failureCode: 'StartRefused', reason: error.message };
  }
}
