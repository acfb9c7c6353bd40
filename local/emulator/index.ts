/**
 * The Managed HSM emulator: an independent reading of the backup/restore wire contract, so the
 * app's client and this server check each other. It imports nothing from the app.
 */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './startEmulator';
export { FAULT_NAMES, FAULT_RULES, parseFaultList, type FaultName, type FaultSpec } from './faults';
export type { EmulatorStats, RequestRecord } from './requestLog';
export type { KeySnapshot, KeyVersion } from './keyStore';
export type { ManagedIdentityStorage } from './storageAccess';
export { KNOWN_API_VERSIONS } from './apiVersions';
