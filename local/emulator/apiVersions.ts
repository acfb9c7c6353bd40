/**
 * The data-plane api-versions that carry backup and restore, oldest first. Pre-checks
 * (`/prebackup`, `/prerestore`) exist from 7.6 on.
 */
export const KNOWN_API_VERSIONS = [
  '7.2',
  '7.3',
  '7.4',
  '7.5',
  '7.6',
  '2025-07-01',
  '2026-01-01-preview',
] as const;

const FIRST_VERSION_WITH_PRE_CHECKS = '7.6';

export function isKnownApiVersion(version: string): boolean {
  return (KNOWN_API_VERSIONS as readonly string[]).includes(version);
}

export function supportsPreChecks(version: string): boolean {
  const versions: readonly string[] = KNOWN_API_VERSIONS;
  const index = versions.indexOf(version);
  return index >= 0 && index >= versions.indexOf(FIRST_VERSION_WITH_PRE_CHECKS);
}
