/** One request and the means to answer it, as the operation handlers see it. */
export interface Exchange {
  readonly method: string;
  /** The URL path, without query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly body: Buffer;
  /** The host (and port) the client addressed, for absolute URLs in answers. */
  readonly host: string;
  /** When the request arrived, on the emulator's clock. */
  readonly receivedAtMs: number;
  /** Answers with `body` as JSON, or an empty body when it is undefined. */
  reply(status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Destroys the connection without answering, as a network fault would. */
  drop(): void;
}

/** The service's error shape for refused calls. */
export function errorBody(code: string, message: string): unknown {
  return { error: { code, message, innererror: null } };
}

export function replyError(
  exchange: Exchange,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): void {
  exchange.reply(status, errorBody(code, message), headers);
}
