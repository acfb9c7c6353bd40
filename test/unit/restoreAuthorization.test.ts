import { loadConfig } from '../../shared/config/loadConfig';
import { ApiError } from '../../shared/http/ApiError';
import { authorizeRestore } from '../../shared/restore/authorizeRestore';
import { readClientPrincipal } from '../../shared/restore/clientPrincipal';

const base = {
  HSM_URL: 'https://contoso.managedhsm.azure.net',
  BACKUP_STORAGE_URL: 'https://contosobackups.blob.core.windows.net',
  BACKUP_CONTAINER: 'hsm-backups',
};

function headers(values: Record<string, string>) {
  return { get: (name: string) => values[name.toLowerCase()] ?? null };
}

function principalHeader(roles: string[], name = 'alice@contoso.com'): string {
  const claims = [
    { typ: 'name', val: name },
    ...roles.map((role) => ({ typ: 'roles', val: role })),
  ];
  return Buffer.from(
    JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims }),
  ).toString('base64');
}

function refusal(action: () => unknown): ApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('who may restore', () => {
  it('refuses every restore while restores are turned off', () => {
    const config = loadConfig(base);
    expect(refusal(() => authorizeRestore(config, headers({})))).toMatchObject({
      status: 403,
      code: 'RestoresDisabled',
    });
  });

  it('lets the function key alone restore when no roles are configured', () => {
    const config = loadConfig({ ...base, RESTORE_ENABLED: 'true' });
    expect(authorizeRestore(config, headers({}))).toBeUndefined();
  });

  it('needs one of the configured roles, read from the App Service principal', () => {
    const config = loadConfig({
      ...base,
      RESTORE_ENABLED: 'true',
      RESTORE_ALLOWED_ROLES: 'HsmRestorer, HsmAdmin',
      WEBSITE_AUTH_ENABLED: 'true',
    });
    expect(refusal(() => authorizeRestore(config, headers({})))).toMatchObject({
      status: 403,
      code: 'RoleRequired',
    });
    const reader = headers({ 'x-ms-client-principal': principalHeader(['Reader']) });
    expect(refusal(() => authorizeRestore(config, reader)).message).toMatch(
      /alice@contoso.com has none/,
    );
    const restorer = headers({ 'x-ms-client-principal': principalHeader(['HsmRestorer']) });
    expect(authorizeRestore(config, restorer)).toEqual({
      name: 'alice@contoso.com',
      roles: ['HsmRestorer'],
    });
  });

  it('refuses to start with roles set while App Service authentication is off', () => {
    expect(() => loadConfig({ ...base, RESTORE_ALLOWED_ROLES: 'HsmRestorer' })).toThrow(
      /RESTORE_ALLOWED_ROLES is set but App Service authentication is off/,
    );
  });

  it('reads no roles from a garbled principal header', () => {
    expect(readClientPrincipal(headers({ 'x-ms-client-principal': '%%%' }))).toBeUndefined();
    expect(readClientPrincipal(headers({ 'x-ms-client-principal-name': 'bob' }))).toEqual({
      name: 'bob',
      roles: [],
    });
  });
});
