import { createLoopbackCertificate } from './certificate';
import { createEmulatorClock } from './clock';
import type { EmulatorState } from './emulatorState';
import { FaultBoard, type FaultName, type FaultSpec } from './faults';
import { JobRunner } from './jobRunner';
import { JobStore } from './jobStore';
import { KeyStore, type KeySnapshot } from './keyStore';
import { RequestLog, type EmulatorStats } from './requestLog';
import { listen } from './server';
import type { ManagedIdentityStorage } from './storageAccess';

export interface EmulatorOptions {
  /** The emulated HSM's name, as in `<name>.managedhsm.azure.net`; it names backup folders. */
  hsmName: string;
  /** Loopback address to listen on; default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port, read back from `url`. */
  port?: number;
  /** How long a job stays InProgress at least; default 1000 ms. */
  jobDurationMs?: number;
  /** The `Retry-After` seconds sent with 202 (and with 429/503 faults); default 1. */
  retryAfterSeconds?: number;
  /** The tenant named in the challenge; default all zeros. */
  tenantId?: string;
  /** Decides whether a bearer token is good; default: any non-empty token. */
  acceptToken?: (token: string) => boolean;
  /** The storage grant standing in for the HSM's managed identity (`useManagedIdentity: true`). */
  managedIdentityStorage?: ManagedIdentityStorage;
  /** The HSM's clock in epoch ms; default Date.now. `advanceClock` adds to it. */
  now?: () => number;
  /** Receives one line per request and job event; never a token. */
  log?: (line: string) => void;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:<port>`: the HSM's base URL. */
  readonly url: string;
  readonly port: number;
  /** The certificate to trust (as a CA) when calling `url`. */
  readonly caCertPem: string;
  readonly hsmName: string;
  stats(): EmulatorStats;
  resetStats(): void;
  keys(): KeySnapshot;
  /** Creates a key with one version; returns the version id. Throws if the key exists. */
  createKey(name: string): string;
  /** Adds a version to a key; returns the version id. Throws if the key does not exist. */
  rotateKey(name: string): string;
  deleteKey(name: string): void;
  /** Replaces every fault switch; `[]` clears them. */
  setFaults(faults: ReadonlyArray<FaultName | FaultSpec>): void;
  /** The faults still set, with remaining counts. */
  activeFaults(): FaultSpec[];
  /** Moves the HSM's clock forward (folder names, job times); storage keeps real time. */
  advanceClock(ms: number): void;
  /** Stops serving, abandons running jobs, closes every connection. */
  stop(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** Starts an emulated Managed HSM on a loopback HTTPS port with a fresh certificate. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const hsmName = options.hsmName;
  if (!/^[a-zA-Z0-9-]{3,24}$/.test(hsmName ?? '')) {
    throw new Error(`hsmName '${hsmName}' is not valid: use 3-24 letters, digits or hyphens.`);
  }
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(`The emulator listens on loopback only; host '${host}' is not loopback.`);
  }

  const log = options.log ?? (() => undefined);
  const clock = createEmulatorClock(options.now);
  const jobs = new JobStore();
  const stopping = new AbortController();
  const state: EmulatorState = {
    hsmName,
    tenantId: options.tenantId ?? '00000000-0000-0000-0000-000000000000',
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    acceptToken: options.acceptToken ?? ((token) => token.length > 0),
    managedIdentityStorage: options.managedIdentityStorage,
    clock,
    keys: new KeyStore(),
    jobs,
    runner: new JobRunner(jobs, clock, options.jobDurationMs ?? 1000, log),
    faults: new FaultBoard(),
    requestLog: new RequestLog(),
    log,
    stopSignal: stopping.signal,
  };

  const certificate = await createLoopbackCertificate();
  const server = await listen(state, certificate, host, options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log(`HSM emulator '${hsmName}' listening on https://${urlHost}:${server.port}`);

  let stopped: Promise<void> | undefined;
  return {
    url: `https://${urlHost}:${server.port}`,
    port: server.port,
    caCertPem: certificate.certPem,
    hsmName,
    stats: () => state.requestLog.snapshot(),
    resetStats: () => state.requestLog.reset(),
    keys: () => state.keys.snapshot(),
    createKey: (name) => state.keys.create(name),
    rotateKey: (name) => state.keys.rotate(name),
    deleteKey: (name) => state.keys.delete(name),
    setFaults: (faults) => state.faults.set(faults),
    activeFaults: () => state.faults.list(),
    advanceClock: (ms) => clock.advance(ms),
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await Promise.all([state.runner.stop(), server.close()]);
      })();
      return stopped;
    },
  };
}
