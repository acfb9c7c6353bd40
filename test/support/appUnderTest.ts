import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { startLocalHost, type LocalHost, type LocalHostLogRecord } from '../../local/host';
import { localAppSettings } from './appSettings';
import { startAzurite, type RunningAzurite } from './azurite';

/** The compiled app (as `npm run build` leaves it) running in the local host, with its parts. */
export interface AppUnderTest {
  readonly host: LocalHost;
  readonly emulator: RunningEmulator;
  readonly azurite: RunningAzurite;
  /** Stops storage (as if it went down), and starts it again on the same ports and data later. */
  restartAzurite(downMs: number): Promise<void>;
  readonly settings: Readonly<Record<string, string>>;
  readonly logs: LocalHostLogRecord[];
  readonly stateDir: string;
  readonly blobService: BlobServiceClient;
  readonly ledgerTable: TableClient;
  /**
   * Moves the app's, the host's and the HSM's clocks forward together (storage keeps real time).
   */
  advanceClock(ms: number): void;
  /** Calls an HTTP endpoint of the app with the function key. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export const repoRoot = resolve(__dirname, '..', '..');

/**
 * Starts Azurite, the emulated HSM and the local host with the compiled app loaded, all on free
 * loopback ports. One per test file: the app reads its settings once, when it is loaded.
 */
export async function startAppUnderTest(
  options: {
    hsmName?: string;
    settings?: Record<string, string>;
    jobDurationMs?: number;
    azuriteDebugLog?: string;
  } = {},
): Promise<AppUnderTest> {
  const hsmName = options.hsmName ?? 'contoso';
  let offsetMs = 0;
  const clock = () => Date.now() + offsetMs;
  const workDir = mkdtempSync(join(tmpdir(), 'hsm-backup-e2e-'));
  const azuriteData = join(workDir, 'azurite');
  let azurite = await startAzurite({ debugLogFile: options.azuriteDebugLog, dataDir: azuriteData });
  const emulator = await startEmulator({
    hsmName,
    jobDurationMs: options.jobDurationMs ?? 200,
    now: clock,
  });
  const caCertFile = join(workDir, 'ca.pem');
  writeFileSync(caCertFile, emulator.caCertPem);
  const settings = localAppSettings(
    azurite,
    { url: emulator.url, name: hsmName, caCertFile },
    options.settings,
  );
  const blobService = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await blobService.getContainerClient(settings.BACKUP_CONTAINER).create();
  const ledgerTable = TableClient.fromConnectionString(
    azurite.connectionString,
    settings.LEDGER_TABLE,
    {
      allowInsecureConnection: true,
    },
  );
  const logs: LocalHostLogRecord[] = [];
  const stateDir = join(workDir, 'state');
  const host = await startLocalHost({
    appRoot: repoRoot,
    env: settings,
    stateDir,
    clock,
    log: (record) => logs.push(record),
  });
  // The same module instance the loaded app uses: the app reads "now" from it.
  (
    require(
      join(repoRoot, 'dist', 'shared', 'app', 'clock.js'),
    ) as typeof import('../../shared/app/clock')
  ).useClock(clock);
  return {
    host,
    emulator,
    azurite,
    settings,
    logs,
    stateDir,
    blobService,
    ledgerTable,
    restartAzurite: async (downMs) => {
      // Same blob and table ports, so every client finds it again; the queue is unused.
      const ports = { blob: azurite.blobPort, queue: 0, table: azurite.tablePort };
      await azurite.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      azurite = await startAzurite({ dataDir: azuriteData, ports });
    },
    advanceClock: (ms) => {
      offsetMs += ms;
    },
    call: async (method, path, body, headers = {}) => {
      const response = await fetch(`${host.url}${path}`, {
        method,
        headers: {
          'x-functions-key': host.functionKey,
          'content-type': 'application/json',
          ...headers,
        },
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: the test sees the text.
      }
      return { status: response.status, body: parsed };
    },
    stop: async () => {
      await host.stop();
      await emulator.stop();
      await azurite.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Every file under a folder, as text: for scanning what the task hub persisted. */
export function readAllFiles(folder: string): string {
  let text = '';
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    text += statSync(path).isDirectory() ? readAllFiles(path) : readFileSync(path, 'utf8');
  }
  return text;
}

/**
 * Waits for the next whole second, so a per-second schedule gives the next firing its own
 * occurrence.
 */
export async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}
