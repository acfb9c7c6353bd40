/**
 * The local host: a development and test stand-in for the Azure Functions host and Durable Task.
 * Never the production runtime; in Azure the same registrations run on the real host.
 */
import { installCoreModuleResolution } from './resolveCoreModule';

// Installed on import too, so that an app required before `startLocalHost` still finds the
// worker module instead of dropping `@azure/functions` into its test mode.
installCoreModuleResolution();

export { startLocalHost } from './localHost';
export type { LocalFunctionInfo, LocalHost, LocalHostOptions } from './localHost';
export type { InstanceSnapshot } from './instanceSnapshot';
export type { LocalHostLogger, LocalHostLogRecord } from './hostLog';
export type { InvokeTimerOptions } from './timerTriggers';
export type { HistoryEvent } from './durable/historyEvents';
export { EventType } from './durable/historyEvents';
export type { RuntimeStatus } from './durable/instanceStore';
