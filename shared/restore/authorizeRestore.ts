import type { AppConfig } from '../config/AppConfig';
import { ApiError } from '../http/ApiError';
import { readClientPrincipal, type ClientPrincipal } from './clientPrincipal';

/**
 * The gates every restore endpoint passes before reading anything else: restores must be turned
 * on, and when roles are configured the caller's App Service principal must hold one of them.
 */
export function authorizeRestore(
  config: AppConfig,
  headers: { get(name: string): string | null },
): ClientPrincipal | undefined {
  if (!config.restore.enabled) {
    throw new ApiError(
      403,
      'RestoresDisabled',
      'Restores are turned off for this app. An operator turns them on with RESTORE_ENABLED=true.',
    );
  }
  const principal = readClientPrincipal(headers);
  const allowed = config.restore.allowedRoles;
  if (allowed.length > 0 && !principal?.roles.some((role) => allowed.includes(role))) {
    throw new ApiError(
      403,
      'RoleRequired',
      principal
        ? `Restoring needs one of the app roles ${allowed.join(', ')}; ` +
            `${principal.name ?? 'the caller'} has none of them.`
        : `Restoring needs a signed-in caller holding one of the app roles ${allowed.join(', ')}.`,
    );
  }
  return principal;
}
