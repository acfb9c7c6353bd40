import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { appConfig } from '../app/appConfig';
import { contextLogger, type Logger } from '../log/Logger';
import { describeError } from '../log/redact';
import { reportRestoreRefused } from '../telemetry/restoreTelemetry';
import { ApiError } from './ApiError';

/** A JSON answer that no cache keeps: these answers change from one moment to the next. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}

/**
 * Wraps an endpoint so that every refusal is JSON with a reason (`{"error": {"code", "message"}}`)
 * and an unexpected failure is a 500 that says where to look, never a stack or an SDK message.
 */
export function jsonEndpoint(
  handle: (
    request: HttpRequest,
    context: InvocationContext,
    log: Logger,
  ) => Promise<HttpResponseInit>,
): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return async (request, context) => {
    const log = contextLogger(context);
    try {
      return await handle(request, context, log);
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.status >= 500) log.error(`${error.code}: ${error.message}`);
        reportRestoreRefused(log, context.functionName, request.headers, error, hsmNameIfKnown());
        return json(error.status, {
          error: { code: error.code, message: error.message, ...error.details },
        });
      }
      log.error(
        `${request.method} ${new URL(request.url).pathname} failed: ${describeError(error)}`,
      );
      return json(500, {
        error: {
          code: 'InternalError',
          message:
            `The app failed to answer; its logs have the details (invocation ` +
            `${context.invocationId}).`,
        },
      });
    }
  };
}

/**
 * The query exactly as the caller sent it, read from the request URL: the hosts' parsed query
 * maps may drop empty values (`?status=`), which must be refused, not read as absent.
 */
export function queryOf(request: HttpRequest): URLSearchParams {
  return new URL(request.url).searchParams;
}

/** Refuses query parameters an endpoint does not know (`code` carries the function key). */
export function refuseUnknownQuery(request: HttpRequest, known: readonly string[]): void {
  const unknown = [...new Set(queryOf(request).keys())].filter(
    (k) => k !== 'code' && !known.includes(k),
  );
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      'UnknownParameter',
      `Unknown query parameter ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}; ` +
        `accepted: ${known.length > 0 ? known.join(', ') : 'none'}.`,
    );
  }
}

/** The HSM's name for telemetry, when the configuration loaded (it may be what failed). */
function hsmNameIfKnown(): string | undefined {
  try {
    return appConfig().hsm.name;
  } catch {
    return undefined;
  }
}
