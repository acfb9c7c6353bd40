/**
 * Backup folder names as the service creates them: `mhsm-<hsm name>-<UTC timestamp>`, where the
 * timestamp is documented with 14 digits (YYYYMMDDHHmmss) but every real folder seen carries 16
 * (two more for hundredths of a second). HSM names may contain hyphens and share prefixes
 * (`contoso` and `contoso-dr`), so a folder is only ever matched against one known HSM name.
 */
export interface BackupFolder {
  readonly name: string;
  /** When the service received the backup request, from the folder name. */
  readonly time: Date;
}

export function parseBackupFolder(folder: string, hsmName: string): BackupFolder | undefined {
  const prefix = `mhsm-${hsmName.toLowerCase()}-`;
  if (!folder.startsWith(prefix)) return undefined;
  const digits = folder.slice(prefix.length);
  if (!/^\d{14,16}$/.test(digits)) return undefined;
  const [year, month, day, hour, minute, second] = [0, 4, 6, 8, 10, 12].map((at, i) =>
    Number(digits.slice(at, i === 0 ? 4 : at + 2)),
  );
  const hundredths = digits.length >= 16 ? Number(digits.slice(14, 16)) : 0;
  const tenths = digits.length === 15 ? Number(digits.slice(14, 15)) * 10 : 0;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, (hundredths + tenths) * 10);
  const time = new Date(ms);
  // Reject dates that Date.UTC silently rolled over (month 13, day 32, hour 25...).
  if (
    time.getUTCFullYear() !== year ||
    time.getUTCMonth() !== month - 1 ||
    time.getUTCDate() !== day ||
    time.getUTCHours() !== hour ||
    time.getUTCMinutes() !== minute ||
    time.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return { name: folder, time };
}

/**
 * The folder name from a backup's folder URL as the service returns it
 * (`<container URL>/<folder>`), only when the URL is under the given container.
 */
export function folderFromUrl(folderUrl: string, containerUrl: string): string | undefined {
  let url: URL;
  let container: URL;
  try {
    url = new URL(folderUrl);
    container = new URL(containerUrl);
  } catch {
    return undefined;
  }
  if (url.origin !== container.origin || url.search || url.hash) return undefined;
  const base = container.pathname.replace(/\/+$/, '') + '/';
  if (!url.pathname.startsWith(base)) return undefined;
  const rest = decodeURIComponent(url.pathname.slice(base.length)).replace(/\/+$/, '');
  return rest && !rest.includes('/') ? rest : undefined;
}
