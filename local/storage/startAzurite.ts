import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../net/freePort';

/** Azurite's well-known development account: public, and only ever valid against Azurite. */
export const devAccountName = 'devstoreaccount1';
export const devAccountKey =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  readonly blobUrl: string;
  readonly tableUrl: string;
  readonly blobPort: number;
  readonly tablePort: number;
  readonly connectionString: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Found through Node's resolution, so it works from the sources (tests) and from `dist/`. */
const azuriteBin = require.resolve('azurite/dist/src/azurite.js');

export interface AzuriteOptions {
  /** Keep data here (survives a restart); default: a fresh temp folder removed at stop. */
  readonly dataDir?: string;
  /** Azurite's debug log (one `RequestURL=` line per request it serves): to count requests. */
  readonly debugLogFile?: string;
  /** Blob, queue and table ports; default: free ones (tests run in parallel). */
  readonly ports?: { readonly blob: number; readonly queue: number; readonly table: number };
}

/**
 * Starts a real Azurite (blob, queue, table) on loopback with telemetry off (otherwise it posts
 * usage data to an outside host) and the API version check off (current SDKs send a newer
 * version than it knows). `stop()` ends exactly the process it started.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const [blobPort, queuePort, tablePort] = options.ports
    ? [options.ports.blob, options.ports.queue, options.ports.table]
    : await Promise.all([freePort(), freePort(), freePort()]);
  const location = options.dataDir ?? mkdtempSync(join(tmpdir(), 'azurite-'));
  const child = spawn(
    process.execPath,
    [
      azuriteBin,
      '--silent',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
      '--location',
      location,
      ...(options.debugLogFile ? ['--debug', options.debugLogFile] : []),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(blobPort),
      '--queueHost',
      '127.0.0.1',
      '--queuePort',
      String(queuePort),
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(tablePort),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await Promise.all([waitForPort(blobPort, child), waitForPort(tablePort, child)]);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Azurite did not start: ${(error as Error).message}\n${stderr}`);
  }
  const blobUrl = `http://127.0.0.1:${blobPort}/${devAccountName}`;
  const tableUrl = `http://127.0.0.1:${tablePort}/${devAccountName}`;
  return {
    blobUrl,
    tableUrl,
    blobPort,
    tablePort,
    pid: child.pid ?? 0,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${devAccountName};AccountKey=${devAccountKey};` +
      `BlobEndpoint=${blobUrl};TableEndpoint=${tableUrl};`,
    stop: () => stopChild(child, options.dataDir ? undefined : location),
  };
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess, removeDir: string | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      if (removeDir) rmSync(removeDir, { recursive: true, force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', done);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
