/**
 * Why a call to the HSM did not get the answer it asked for, classified for the caller:
 * - `retriable`: network failure, timeout, 429 or 5xx; the same call may succeed later;
 * - `conflict`: 409, another operation holds the HSM (one backup at a time, or a restore runs);
 * - `not-found`: 404, e.g. the service no longer knows a job id;
 * - `permanent`: any other 4xx; repeating the call will not help.
 */
export type HsmFailureKind = 'retriable' | 'conflict' | 'not-found' | 'permanent';

export class HsmRequestError extends Error {
  override name = 'HsmRequestError';

  constructor(
    readonly kind: HsmFailureKind,
    message: string,
    readonly details: {
      readonly statusCode?: number;
      readonly code?: string;
      readonly retryAfterSeconds?: number;
      readonly operation: string;
    },
  ) {
    super(message);
  }
}

export function classifyStatus(statusCode: number): HsmFailureKind {
  if (statusCode === 429 || statusCode >= 500 || statusCode === 408) return 'retriable';
  if (statusCode === 409) return 'conflict';
  if (statusCode === 404) return 'not-found';
  return 'permanent';
}

/** `Retry-After` in seconds (delta or HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
