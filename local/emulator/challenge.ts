/** The resource every Managed HSM names in its challenge; clients ask for `<resource>/.default`. */
export const HSM_RESOURCE = 'https://managedhsm.azure.net';

/** The challenge the service sends to a request without a bearer token. */
export function challengeHeader(tenantId: string): string {
  return (
    `Bearer authorization="https://login.microsoftonline.com/${tenantId}", ` +
    `resource="${HSM_RESOURCE}"`
  );
}

/**
 * A continuous access evaluation challenge: the token is no longer enough, get one satisfying
 * these claims. It names no resource, so a client that already holds a challenge keeps it and
 * only asks for a fresh token.
 */
export function claimsChallengeHeader(nowEpochSeconds: number): string {
  const claims = { access_token: { nbf: { essential: true, value: String(nowEpochSeconds) } } };
  const encoded = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64');
  return (
    'Bearer realm="", ' +
    'authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
    `error="insufficient_claims", claims="${encoded}"`
  );
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1] : undefined;
}
