import type { AppServices } from '../app/appServices';
import type { StorageTarget } from '../hsm/ManagedHsmClient';
import { mintContainerSas, type SasPurpose } from '../storage/mintContainerSas';

/**
 * How the HSM gets into the container for one operation: through the HSM's own managed identity
 * (for storage behind a firewall), or through a SAS minted here, now, for this call only.
 */
export async function storageTargetFor(
  services: AppServices,
  purpose: SasPurpose,
  validForMs: number,
): Promise<StorageTarget> {
  const containerUrl = services.storage.containerUrl;
  if (services.config.hsm.storageAccess === 'managed-identity') {
    return { containerUrl, useManagedIdentity: true };
  }
  const sas = await mintContainerSas(
    services.config.storage,
    services.storage.blobService,
    purpose,
    new Date(), // SAS validity is checked by storage against the real clock, never a simulated one.
    validForMs,
  );
  return { containerUrl, sasToken: sas.token };
}
