import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** One item as Application Insights ingestion receives it (`/v2.1/track`). */
export interface Envelope {
  readonly name: string;
  readonly time: string;
  readonly iKey?: string;
  readonly instrumentationKey?: string;
  readonly tags?: Record<string, string>;
  readonly data?: {
    readonly baseType: string;
    readonly baseData: Record<string, unknown> & {
      readonly name?: string;
      readonly properties?: Record<string, string>;
      readonly measurements?: Record<string, number>;
      readonly metrics?: readonly { name: string; value: number; count?: number }[];
    };
  };
}

/** Every byte that reached the sink, and what it made of them. */
export interface SinkCapture {
  readonly envelopes: Envelope[];
  /** Each request as received (before gunzip) and as decoded, for scanning for secrets. */
  readonly rawRequests: {
    readonly path: string;
    readonly received: Buffer;
    readonly decoded: Buffer;
  }[];
  /** Requests to anything but the track endpoint (live metrics, statsbeat...): should be none. */
  readonly unexpected: string[];
}

export interface RunningTelemetrySink {
  readonly port: number;
  readonly url: string;
  /** A connection string that sends ingestion and live metrics here, and nowhere else. */
  readonly connectionString: string;
  readonly capture: SinkCapture;
  /**
   * Resolves once at least `count` envelopes matching `accept` have arrived, or after `timeoutMs`.
   */
  waitFor(accept: (e: Envelope) => boolean, count: number, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** A made-up instrumentation key: the sink accepts any. */
export const sinkInstrumentationKey = '00000000-0000-4000-8000-000000000000';

/**
 * A local stand-in for Application Insights ingestion: HTTPS on 127.0.0.1 with the certificate
 * given (clients trust it through NODE_EXTRA_CA_CERTS), answering `POST /v2.1/track` (and
 * `/v2/track`) the way the service does and keeping every envelope and every raw byte. It is for
 * tests and local runs only; it never forwards anything.
 */
export async function startTelemetrySink(options: {
  readonly certificate: { readonly keyPem: string; readonly certPem: string };
  readonly port?: number;
}): Promise<RunningTelemetrySink> {
  const capture: SinkCapture = { envelopes: [], rawRequests: [], unexpected: [] };
  const waiters = new Set<() => void>();
  const server: Server = createServer(
    { key: options.certificate.keyPem, cert: options.certificate.certPem },
    (request, response) => {
      void handle(request, response, capture).then(() => waiters.forEach((wake) => wake()));
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `https://127.0.0.1:${port}/`;
  return {
    port,
    url,
    connectionString:
      `InstrumentationKey=${sinkInstrumentationKey};IngestionEndpoint=${url};` +
      `LiveEndpoint=${url}`,
    capture,
    waitFor: (accept, count, timeoutMs) =>
      new Promise((resolve) => {
        const check = () => {
          if (capture.envelopes.filter(accept).length < count) return;
          finish(true);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        const finish = (arrived: boolean) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(arrived);
        };
        waiters.add(check);
        check();
      }),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  capture: SinkCapture,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const received = Buffer.concat(chunks);
  const path = (request.url ?? '/').replace(/\?.*$/, '');
  const gzipped = /gzip/i.test(String(request.headers['content-encoding'] ?? ''));
  let decoded = received;
  try {
    if (gzipped) decoded = gunzipSync(received);
  } catch {
    // Kept as received: the scan still sees the bytes.
  }
  capture.rawRequests.push({ path, received, decoded });
  if (request.method !== 'POST' || !/\/v2(\.1)?\/track$/.test(path)) {
    capture.unexpected.push(`${request.method} ${path}`);
    response.writeHead(404).end();
    return;
  }
  let items: Envelope[];
  try {
    items = parseEnvelopes(decoded.toString('utf8'));
  } catch {
    capture.unexpected.push(`unreadable body on ${path}`);
    response.writeHead(400).end();
    return;
  }
  capture.envelopes.push(...items);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }),
  );
}

/** Ingestion takes a JSON array, or one JSON envelope per line. */
function parseEnvelopes(text: string): Envelope[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Envelope[];
  return trimmed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Envelope);
}
