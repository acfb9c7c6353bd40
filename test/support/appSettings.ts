import { randomBytes } from 'node:crypto';
import { wiringSettings } from '../../local/sandbox/sandboxSettings';
import type { RunningAzurite } from './azurite';

/**
 * App settings pointing at a test Azurite and a loopback HSM, wired as the sandbox wires them,
 * with a container and ledger table of their own and fast polling.
 */
export function localAppSettings(
  azurite: RunningAzurite,
  hsm: { url: string; name: string; caCertFile?: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...wiringSettings(azurite, hsm),
    BACKUP_CONTAINER: `backups-${randomBytes(4).toString('hex')}`,
    LEDGER_TABLE: `ledger${randomBytes(4).toString('hex')}`,
    BACKUP_POLL_INTERVAL: '1s',
    BACKUP_POLL_MAX_INTERVAL: '2s',
    BACKUP_DEADLINE: '60s',
    ...extra,
  };
}
