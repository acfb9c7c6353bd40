import type { EmulatorClock } from './clock';
import type { FaultBoard } from './faults';
import type { JobRunner } from './jobRunner';
import type { JobStore } from './jobStore';
import type { KeyStore } from './keyStore';
import type { RequestLog } from './requestLog';
import type { ManagedIdentityStorage } from './storageAccess';

/** Everything a request handler may consult or change, built once per running emulator. */
export interface EmulatorState {
  hsmName: string;
  tenantId: string;
  retryAfterSeconds: number;
  acceptToken: (token: string) => boolean;
  managedIdentityStorage: ManagedIdentityStorage | undefined;
  clock: EmulatorClock;
  keys: KeyStore;
  jobs: JobStore;
  runner: JobRunner;
  faults: FaultBoard;
  requestLog: RequestLog;
  log: (line: string) => void;
  /** Aborts when the emulator stops, to cut short anything still waiting. */
  stopSignal: AbortSignal;
}
