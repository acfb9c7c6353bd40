import { ApiError } from './ApiError';

const acceptedTypes = new Set([
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
]);

/** Restore and backup requests are a few hundred bytes; anything near this is not one of ours. */
export const maxJsonBodyBytes = 16 * 1024;

/**
 * Reads a request body as one JSON object, refusing before any other work: bodies that are too
 * large, not UTF-8, not JSON, or not an object. Content-Type is checked loosely (absent is fine)
 * so that `curl -d` works, but a declared non-JSON type is refused.
 */
export async function readJsonObject(request: {
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}): Promise<Record<string, unknown>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxJsonBodyBytes) throw tooLarge();
  // The body must be strict JSON whatever it is labelled; only labels that promise something
  // else (a form upload, XML, binary) are refused. text/plain and the form type are what
  // fetch and curl send by default.
  const type = request.headers.get('content-type')?.split(';')[0].trim().toLowerCase();
  if (type && !acceptedTypes.has(type) && !type.endsWith('+json')) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `Send the body as application/json, not ${type}.`,
    );
  }
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxJsonBodyBytes) throw tooLarge();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, 'InvalidBody', 'The body is not valid UTF-8.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'InvalidJson', 'The body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError(400, 'InvalidBody', 'The body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function tooLarge(): ApiError {
  return new ApiError(413, 'BodyTooLarge', `The body is larger than ${maxJsonBodyBytes} bytes.`);
}

/** Refuses fields the endpoint does not know: a typo must never be silently ignored. */
export function refuseUnknownFields(body: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      'UnknownField',
      `Unknown field${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.map((k) => JSON.stringify(k)).join(', ')}; ` +
        `accepted: ${known.join(', ')}.`,
    );
  }
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean {
  const value = body[field];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new ApiError(400, 'InvalidField', `"${field}" must be true or false (a JSON boolean).`);
  }
  return value;
}

export function requiredString(
  body: Record<string, unknown>,
  field: string,
  maxLength = 512,
): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ApiError(400, 'InvalidField', `"${field}" is required and must be a string.`);
  }
  if (value.length > maxLength) {
    throw new ApiError(400, 'InvalidField', `"${field}" is longer than ${maxLength} characters.`);
  }
  return value;
}
