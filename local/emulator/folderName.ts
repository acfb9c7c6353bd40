/**
 * Names a backup folder the way every real HSM does: `mhsm-<hsm>-YYYYMMDDHHmmss` plus two digits
 * of hundredths (16 digits in all), in UTC, from the time the request was received.
 */
export function backupFolderName(hsmName: string, receivedAtMs: number): string {
  const at = new Date(receivedAtMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  const digits =
    String(at.getUTCFullYear()).padStart(4, '0') +
    two(at.getUTCMonth() + 1) +
    two(at.getUTCDate()) +
    two(at.getUTCHours()) +
    two(at.getUTCMinutes()) +
    two(at.getUTCSeconds()) +
    two(Math.floor(at.getUTCMilliseconds() / 10));
  return `mhsm-${hsmName}-${digits}`;
}
