/** Log records the local host emits: the app's own `context.log` lines and the host's events. */
import type { RpcLogLevel } from './coreTypes';

export interface LocalHostLogRecord {
  time: Date;
  level: RpcLogLevel;
  /** `user` for the app's context logs, `system` for the library, `host` for the local host. */
  category: 'user' | 'system' | 'customMetric' | 'host';
  message: string;
  functionName?: string;
  invocationId?: string;
  instanceId?: string;
}

export type LocalHostLogger = (record: LocalHostLogRecord) => void;

export type HostLog = (
  level: RpcLogLevel,
  message: string,
  scope?: Pick<LocalHostLogRecord, 'functionName' | 'invocationId' | 'instanceId'>,
) => void;

export function consoleLogger(record: LocalHostLogRecord): void {
  const scope = record.functionName
    ? ` ${record.functionName}${record.invocationId ? ` (${record.invocationId})` : ''}`
    : '';
  const instance = record.instanceId ? ` [${record.instanceId}]` : '';
  const line =
    `${record.time.toISOString()} ` + `${record.level}${scope}${instance}: ${record.message}\n`;
  const isProblem =
    record.level === 'error' || record.level === 'critical' || record.level === 'warning';
  (isProblem ? process.stderr : process.stdout).write(line);
}

export function hostLogFor(logger: LocalHostLogger, now: () => number): HostLog {
  return (level, message, scope = {}) =>
    logger({ time: new Date(now()), level, category: 'host', message, ...scope });
}
