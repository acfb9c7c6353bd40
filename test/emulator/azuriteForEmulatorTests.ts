/**
 * A private Azurite for the emulator's tests: its own process, free port and temp folder,
 * stopped by PID. (The project's shared helper will replace this one; keep it in this folder.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
  type ContainerClient,
} from '@azure/storage-blob';

export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const AZURITE_BIN = join(__dirname, '..', '..', 'node_modules', '.bin', 'azurite-blob');
const LISTENING_LINE = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/;

export interface AzuriteForTests {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  blobEndpoint: string;
  service: BlobServiceClient;
  /** Creates a container and returns its client (the admin view, by account key). */
  createContainer(name: string): Promise<ContainerClient>;
  /** The container's URL, as a `storageResourceUri`. */
  containerUri(name: string): string;
  /** A container SAS query string (no leading `?`), minted with the account key. */
  containerSas(name: string, permissions: string, expiresInMs?: number): string;
  stop(): Promise<void>;
}

export async function startAzuriteForEmulatorTests(): Promise<AzuriteForTests> {
  const location = mkdtempSync(join(tmpdir(), 'emulator-azurite-'));
  // Port 0 lets Azurite take a free port itself (no race with other test files); it prints it.
  const child = spawn(
    AZURITE_BIN,
    [
      ...['--blobHost', '127.0.0.1', '--blobPort', '0', '--location', location],
      ...['--silent', '--disableTelemetry', '--skipApiVersionCheck', '--loose'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let port: number;
  try {
    port = await listeningPort(child);
    await waitUntilAnswering(port);
  } catch (error) {
    await stopProcess(child);
    rmSync(location, { recursive: true, force: true });
    throw error;
  }

  const blobEndpoint = `http://127.0.0.1:${port}/${DEV_ACCOUNT_NAME}`;
  const credential = new StorageSharedKeyCredential(DEV_ACCOUNT_NAME, DEV_ACCOUNT_KEY);
  const service = new BlobServiceClient(blobEndpoint, credential);
  return {
    blobEndpoint,
    service,
    async createContainer(name) {
      const container = service.getContainerClient(name);
      await container.create();
      return container;
    },
    containerUri: (name) => `${blobEndpoint}/${name}`,
    containerSas: (name, permissions, expiresInMs = 3_600_000) =>
      generateBlobSASQueryParameters(
        {
          containerName: name,
          permissions: ContainerSASPermissions.parse(permissions),
          startsOn: new Date(Date.now() - 5 * 60_000),
          expiresOn: new Date(Date.now() + expiresInMs),
        },
        credential,
      ).toString(),
    async stop() {
      await stopProcess(child);
      rmSync(location, { recursive: true, force: true });
    },
  };
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('Azurite did not start within 20 s')), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = LISTENING_LINE.exec(output);
      if (match) {
        cleanUp();
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null): void =>
      fail(new Error(`Azurite exited with ${code} before listening: ${output}`));
    const fail = (error: Error): void => {
      cleanUp();
      reject(error);
    };
    const cleanUp = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function waitUntilAnswering(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Azurite did not answer on port ${port}`);
}

/** Stops the child by its PID: SIGTERM, then SIGKILL if it lingers. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  child.stdout?.destroy();
  child.stderr?.destroy();
}
