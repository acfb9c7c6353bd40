/** Small helpers shared by the host's HTTP endpoints. */
import type { IncomingMessage, ServerResponse } from 'http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true };

/** Reads the request body, refusing (without buffering it) anything over `limitBytes`. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    request.resume();
    return Promise.resolve({ ok: false, tooLarge: true });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      total += chunk.length;
      if (total > limitBytes) {
        refused = true;
        chunks.length = 0;
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!refused) resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    request.on('error', reject);
  });
}

export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'content-length': '0' });
  response.end();
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** Flattens Node's header object into the single-valued map the worker protocol carries. */
export function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The key a caller presented, from `x-functions-key` or the `code` query parameter. */
export function presentedKey(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers['x-functions-key'];
  if (typeof header === 'string' && header !== '') return header;
  return url.searchParams.get('code') ?? undefined;
}
