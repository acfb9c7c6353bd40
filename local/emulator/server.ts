import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { LoopbackCertificate } from './certificate';
import type { EmulatorState } from './emulatorState';
import { errorBody, type Exchange } from './exchange';
import { handleRequest } from './router';

const MAX_BODY_BYTES = 1024 * 1024;

export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

/** The HTTPS front of the emulator: turns each request into an Exchange, records and logs it. */
export async function listen(
  state: EmulatorState,
  certificate: LoopbackCertificate,
  host: string,
  port: number,
): Promise<ListeningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ key: certificate.keyPem, cert: certificate.certPem });
  // Raw connections, so stop() also cuts those still in the TLS handshake.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void serve(request, response, state);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('The emulator server has no TCP address.');
  }

  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) {
          socket.destroy();
        }
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  state: EmulatorState,
): Promise<void> {
  const receivedAtMs = state.clock.nowMs();
  const url = new URL(request.url ?? '/', 'https://emulator.invalid');
  const method = request.method ?? 'GET';
  let body: Buffer | undefined;
  try {
    body = await readBody(request);
  } catch {
    return; // The client went away while sending; there is no one to answer.
  }
  let answered = false;

  const finish = (status: number | 'dropped'): void => {
    answered = true;
    state.requestLog.record({
      method,
      path: url.pathname,
      apiVersion: url.searchParams.get('api-version'),
      hadAuthorization: request.headers.authorization !== undefined,
      status,
    });
    state.log(`${method} ${url.pathname} -> ${status}`);
  };

  const exchange: Exchange = {
    method,
    path: url.pathname,
    query: url.searchParams,
    authorization: request.headers.authorization,
    body: body ?? Buffer.alloc(0),
    host: request.headers.host ?? `${request.socket.localAddress}:${request.socket.localPort}`,
    receivedAtMs,
    reply(status, answer, headers = {}) {
      if (answered) {
        return;
      }
      const payload = answer === undefined ? '' : JSON.stringify(answer);
      response.writeHead(status, {
        ...headers,
        ...(answer === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
        'Content-Length': String(Buffer.byteLength(payload)),
      });
      response.end(payload);
      finish(status);
    },
    drop() {
      if (answered) {
        return;
      }
      request.socket.destroy();
      finish('dropped');
    },
  };

  if (body === undefined) {
    exchange.reply(413, errorBody('BadParameter', 'The request body is too large.'));
    return;
  }
  try {
    await handleRequest(exchange, state);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    state.log(`${method} ${url.pathname} failed inside the emulator: ${text}`);
    exchange.reply(500, errorBody('InternalError', 'The emulator failed to handle the request.'));
  }
}

/** The whole body, or undefined when it exceeds the limit (the rest is not read). */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
