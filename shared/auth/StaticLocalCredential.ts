import type { AccessToken, TokenCredential } from '@azure/core-auth';

/**
 * A fixed token for the local emulator and tests. It never talks to any identity endpoint, which
 * is the point: nothing that runs on a developer machine may probe for a cloud identity.
 */
export class StaticLocalCredential implements TokenCredential {
  constructor(private readonly token = 'local-static-token') {}

  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}
