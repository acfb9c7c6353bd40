/**
 * Who is asking, as App Service authentication tells the app: the `x-ms-client-principal` header
 * (base64 JSON with claims) and `x-ms-client-principal-name`. Only meaningful when App Service
 * authentication is on, because it strips these headers from incoming requests; the configuration
 * refuses role checks otherwise.
 */
export interface ClientPrincipal {
  readonly name?: string;
  readonly roles: readonly string[];
}

interface PrincipalPayload {
  readonly claims?: readonly { readonly typ?: unknown; readonly val?: unknown }[];
  readonly role_typ?: unknown;
  readonly name_typ?: unknown;
}

const roleClaimTypes = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

export function readClientPrincipal(headers: {
  get(name: string): string | null;
}): ClientPrincipal | undefined {
  const encoded = headers.get('x-ms-client-principal');
  const headerName = headers.get('x-ms-client-principal-name') ?? undefined;
  if (!encoded) return headerName ? { name: headerName.slice(0, 256), roles: [] } : undefined;
  let payload: PrincipalPayload;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as PrincipalPayload;
  } catch {
    return undefined;
  }
  const claims = Array.isArray(payload.claims) ? payload.claims : [];
  const roleType = typeof payload.role_typ === 'string' ? payload.role_typ : undefined;
  const nameType = typeof payload.name_typ === 'string' ? payload.name_typ : undefined;
  const roles = claims
    .filter(
      (c) =>
        typeof c.val === 'string' && (c.typ === roleType || roleClaimTypes.includes(String(c.typ))),
    )
    .map((c) => String(c.val));
  const claimName = claims.find((c) => c.typ === nameType && typeof c.val === 'string')?.val;
  const name = headerName ?? (typeof claimName === 'string' ? claimName : undefined);
  return { name: name?.slice(0, 256), roles: [...new Set(roles)] };
}
