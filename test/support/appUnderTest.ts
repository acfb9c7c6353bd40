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
  readonly settings: Readonly<Record<string, string>>;
  readonly logs: LocalHostLogRecord[];
  readonly stateDir: string;
  readonly blobService: BlobServiceClient;
  readonly ledgerTable: TableClient;
  stop(): Promise<void>;
}

export const repoRoot = resolve(__dirname, '..', '..');

/**
 * Starts Azurite, the emulated HSM and the local host with the compiled app loaded, all on free
 * loopback ports. One per test file: the app reads its settings once, when it is loaded.
 */
export async function startAppUnderTest(
  options: { hsmName?: string; settings?: Record<string, string>; jobDurationMs?: number } = {},
): Promise<AppUnderTest> {
  const hsmName = options.hsmName ?? 'contoso';
  const workDir = mkdtempSync(join(tmpdir(), 'hsm-backup-e2e-'));
  const azurite = await startAzurite();
  const emulator = await startEmulator({ hsmName, jobDurationMs: options.jobDurationMs ?? 200 });
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
    log: (record) => logs.push(record),
  });
  return {
    host,
    emulator,
    azurite,
    settings,
    logs,
    stateDir,
    blobService,
    ledgerTable,
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

/** Waits for the next whole second, so a per-second schedule gives the next firing its own occurrence. */
export async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}
