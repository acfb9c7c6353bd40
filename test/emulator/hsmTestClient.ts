/**
 * A deliberately plain HTTPS client for the emulator's tests (not the app's client): one request,
 * no retries, no challenge handling, trusting only the emulator's certificate.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { RunningEmulator } from '../../local/emulator';

export const TEST_TOKEN = 'test-bearer-token-value';

export interface HsmResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (throws when it is not). */
  json(): Record<string, unknown>;
}

export interface CallOptions {
  /** Sent as JSON; omit for a body-less request. */
  body?: unknown;
  /** The bearer token; `null` sends no Authorization header. */
  token?: string | null;
}

export function callHsm(
  emulator: Pick<RunningEmulator, 'url' | 'caCertPem'>,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<HsmResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, emulator.url),
      { method, headers, ca: emulator.caCertPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const TERMINAL = ['Succeeded', 'Failed', 'Canceled'];

/** Polls a status path until the job is Succeeded, Failed or Canceled; returns its body. */
export async function waitForJob(
  emulator: Pick<RunningEmulator, 'url' | 'caCertPem'>,
  statusPath: string,
  timeoutMs = 15_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await callHsm(emulator, 'GET', statusPath);
    if (response.status !== 200) {
      throw new Error(`status poll answered ${response.status}: ${response.text}`);
    }
    const job = response.json();
    if (TERMINAL.includes(String(job.status))) {
      return job;
    }
    if (Date.now() > deadline) {
      throw new Error(`job still ${String(job.status)} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The path part of an Azure-AsyncOperation URL (the emulator answers it on its own host). */
export function statusPathOf(response: HsmResponse): string {
  const operation = response.headers['azure-asyncoperation'];
  if (typeof operation !== 'string') {
    throw new Error(`no Azure-AsyncOperation header (status ${response.status}): ${response.text}`);
  }
  return new URL(operation).pathname;
}
