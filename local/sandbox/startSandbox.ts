import { BlobServiceClient } from '@azure/storage-blob';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseFaultList, startEmulator, type RunningEmulator } from '../emulator';
import { startLocalHost, type LocalHost } from '../host';
import { startAzurite, type RunningAzurite } from '../storage/startAzurite';
import { loadConfig } from '../../shared/config/loadConfig';
import { applySettings, wiringSettings } from './sandboxSettings';
import type { SandboxArgs } from './sandboxArgs';
import { SimulatedClock } from './SimulatedClock';

export interface Sandbox {
  readonly host: LocalHost;
  readonly emulator?: RunningEmulator;
  readonly azurite: RunningAzurite;
  readonly clock: SimulatedClock;
  readonly functionKey: string;
  stop(): Promise<void>;
}

/** The container exists before the app runs, as the deployment would have created it. */
async function createContainer(name: string, azurite: RunningAzurite): Promise<void> {
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await service.getContainerClient(name).createIfNotExists();
}

/**
 * How long an emulated HSM job takes: LOCAL_HSM_JOB_DURATION_MS, default 1.5 s (real ones: 8-17 s).
 */
function emulatedJobMs(): number {
  const text = process.env.LOCAL_HSM_JOB_DURATION_MS?.trim();
  if (!text) return 1500;
  if (!/^\d{1,6}$/.test(text)) {
    throw new Error(
      `LOCAL_HSM_JOB_DURATION_MS must be a whole number of milliseconds; got "${text}".`,
    );
  }
  return Number(text);
}

/** Where `package.json` lives: the host loads the compiled app from there, as Azure would. */
export const appRoot = resolve(__dirname, '..', '..', '..');

/** Keys the emulated HSM holds from the start, so backups and restores carry real material. */
const sandboxKeys = ['payments-signing', 'tokenization', 'backup-canary'];

/**
 * Starts Azurite (fresh data), the emulated HSM (unless an outside one is given), and the local
 * host with the app loaded; in that order, so each part's settings exist before the next starts.
 */
export async function startSandbox(
  args: SandboxArgs,
  log: (line: string) => void,
): Promise<Sandbox> {
  const workDir = mkdtempSync(join(tmpdir(), 'hsm-backup-sandbox-'));
  const clock = new SimulatedClock();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const azurite = await startAzurite({
      dataDir: join(workDir, 'azurite'),
      ports: args.autoPorts ? undefined : { blob: 10000, queue: 10001, table: 10002 },
    });
    stops.push(() => azurite.stop());

    const hsmName = process.env.HSM_NAME?.trim() || 'contoso';
    let emulator: RunningEmulator | undefined;
    let hsm: { url: string; name: string; caCertFile?: string };
    if (args.hsmUrl) {
      hsm = { url: args.hsmUrl, name: hsmName };
    } else {
      emulator = await startEmulator({
        hsmName,
        jobDurationMs: emulatedJobMs(),
        now: clock.now,
        log: args.verbose ? (line) => log(`[hsm] ${line}`) : undefined,
      });
      stops.push(() => emulator!.stop());
      for (const key of sandboxKeys) emulator.createKey(key);
      if (args.faults?.length) {
        emulator.setFaults(parseFaultList(args.faults.join(',')));
        log(`Emulated HSM faults on: ${args.faults.join(', ')}`);
      }
      const caCertFile = join(workDir, 'emulator-ca.pem');
      writeFileSync(caCertFile, emulator.caCertPem);
      hsm = { url: emulator.url, name: hsmName, caCertFile };
    }
    if (args.dryRun) process.env.RETENTION_DRY_RUN = 'true';
    applySettings(process.env, wiringSettings(azurite, hsm));
    // Bad settings are reported as such, before the host wraps them in its load errors.
    loadConfig(process.env);
    if (process.env.RESTORE_ALLOWED_ROLES?.trim() && !process.env.WEBSITE_AUTH_ENABLED) {
      // Nothing strips forged principal headers here: the sandbox plays App Service
      // authentication, and the caller sends x-ms-client-principal itself.
      process.env.WEBSITE_AUTH_ENABLED = 'true';
      log('Simulating App Service authentication: send x-ms-client-principal with your requests.');
    }
    await createContainer(process.env.BACKUP_CONTAINER ?? '', azurite);

    const functionKey =
      process.env.LOCAL_FUNCTION_KEY?.trim() || randomBytes(24).toString('base64url');
    const host = await startLocalHost({
      appRoot,
      port: args.autoPorts ? 0 : 7071,
      functionKey,
      clock: clock.now,
      // With --cycles the sandbox fires the cycles itself; the schedule starts when it serves.
      runTimers: args.serve && args.cycles === undefined,
      log: (record) => {
        if (args.verbose || ['warning', 'error', 'critical'].includes(record.level)) {
          log(`[${record.functionName ?? 'host'}] ${record.message}`);
        }
      },
    });
    stops.push(() => host.stop());
    return { host, emulator, azurite, clock, functionKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
