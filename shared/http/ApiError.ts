/**
 * A refusal an operator can act on: an HTTP status, a stable machine-readable code, and a reason
 * in words. Every endpoint answers refusals as `{"error": {"code", "message", ...details}}`.
 */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
