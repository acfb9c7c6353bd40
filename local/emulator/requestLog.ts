import type { JobKind } from './jobStore';

/**
 * One request as the emulator saw it. It never holds a token: only whether an Authorization
 * header was present; the path holds no query (a SAS never travels there, but nor does anything
 * else that could leak).
 */
export interface RequestRecord {
  method: string;
  path: string;
  apiVersion: string | null;
  hadAuthorization: boolean;
  /** The status answered, or 'dropped' when the connection was destroyed instead. */
  status: number | 'dropped';
}

export interface EmulatorStats {
  acceptedBackupStarts: number;
  acceptedRestoreStarts: number;
  acceptedKeyRestoreStarts: number;
  acceptedPreBackupStarts: number;
  acceptedPreRestoreStarts: number;
  requests: RequestRecord[];
}

const COUNTER_OF: Record<JobKind, Exclude<keyof EmulatorStats, 'requests'>> = {
  backup: 'acceptedBackupStarts',
  restore: 'acceptedRestoreStarts',
  keyRestore: 'acceptedKeyRestoreStarts',
  preBackup: 'acceptedPreBackupStarts',
  preRestore: 'acceptedPreRestoreStarts',
};

export class RequestLog {
  private stats = emptyStats();

  record(request: RequestRecord): void {
    this.stats.requests.push({ ...request });
  }

  countAccepted(kind: JobKind): void {
    this.stats[COUNTER_OF[kind]] += 1;
  }

  snapshot(): EmulatorStats {
    return { ...this.stats, requests: this.stats.requests.map((r) => ({ ...r })) };
  }

  reset(): void {
    this.stats = emptyStats();
  }
}

function emptyStats(): EmulatorStats {
  return {
    acceptedBackupStarts: 0,
    acceptedRestoreStarts: 0,
    acceptedKeyRestoreStarts: 0,
    acceptedPreBackupStarts: 0,
    acceptedPreRestoreStarts: 0,
    requests: [],
  };
}
