/** Shared set-up for the local host tests: fixture apps, captured logs, small HTTP helpers. */
import * as path from 'path';
import { LocalHost, LocalHostLogRecord, LocalHostOptions, startLocalHost } from '../../local/host';

export function fixtureApp(name: string): string {
  return path.join(__dirname, 'fixtures', name);
}

export interface TestHost {
  host: LocalHost;
  logs: LocalHostLogRecord[];
}

export async function startFixtureHost(
  app: string,
  options: Partial<LocalHostOptions> = {},
): Promise<TestHost> {
  const logs: LocalHostLogRecord[] = [];
  const host = await startLocalHost({
    appRoot: fixtureApp(app),
    log: (record) => logs.push(record),
    ...options,
  });
  return { host, logs };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** Sends `body` as JSON, or `rawBody` as it is. */
export async function request(
  url: string,
  init: {
    method?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<JsonResponse> {
  const payload = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const response = await fetch(url, {
    method: init.method ?? (payload === undefined ? 'GET' : 'POST'),
    body: payload,
    headers: {
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A clock the test moves by hand. */
export function manualClock(startIso: string) {
  let now = Date.parse(startIso);
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    set: (iso: string) => {
      now = Date.parse(iso);
    },
  };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
