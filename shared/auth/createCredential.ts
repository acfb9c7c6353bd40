import type { TokenCredential } from '@azure/core-auth';
import { ManagedIdentityCredential } from '@azure/identity';
import type { AppConfig } from '../config/AppConfig';
import { StaticLocalCredential } from './StaticLocalCredential';

/**
 * The app's identity. In Azure it is the Function App's managed identity (system-assigned, or the
 * user-assigned one named by AZURE_CLIENT_ID); locally, a static credential that only a loopback
 * emulator accepts (the configuration refuses it for any other endpoint).
 */
export function createCredential(credential: AppConfig['credential']): TokenCredential {
  if (credential.kind === 'local-static') return new StaticLocalCredential();
  return credential.clientId
    ? new ManagedIdentityCredential({ clientId: credential.clientId })
    : new ManagedIdentityCredential();
}
