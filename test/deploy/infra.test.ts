import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { at, byKind, isObject, textOf, BicepExpression, type BicepValue } from './bicepModel';
import { infraDir, infraPaths, loadInfra, repoRoot, type Infra } from './infraFiles';
import { tableUnder } from './markdownTable';

const deployGuide = readFileSync(join(repoRoot, 'docs', 'deploy.md'), 'utf8');
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The built-in roles this deployment may grant, with their well-known definition ids. */
const builtInRoles: Record<string, string> = {
  'Storage Blob Delegator': 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
};

/** What each grant is on, named as docs/deploy.md names it, by file and scope resource type. */
const scopeLabels: Record<string, string> = {
  'modules/backupStorage.bicep Microsoft.Storage/storageAccounts': 'backup storage account',
  'modules/backupStorage.bicep Microsoft.Storage/storageAccounts/blobServices/containers':
    'backup container',
  'modules/backupStorage.bicep Microsoft.Storage/storageAccounts/tableServices/tables':
    'ledger table',
  'modules/functionApp.bicep Microsoft.Storage/storageAccounts': 'host storage account',
  'modules/functionApp.bicep Microsoft.Insights/components': 'Application Insights',
};

/** Every grant the deployment must make, and no other: "role on scope to principal". */
const expectedGrants = [
  'Storage Blob Delegator on backup storage account to Function App',
  'Storage Blob Data Contributor on backup container to Function App',
  'Storage Table Data Contributor on ledger table to Function App',
  'Storage Blob Data Contributor on backup container to Managed HSM identity',
  'Storage Blob Data Owner on host storage account to Function App',
  'Storage Queue Data Contributor on host storage account to Function App',
  'Storage Table Data Contributor on host storage account to Function App',
  'Monitoring Metrics Publisher on Application Insights to Function App',
].sort();

const paths = infraPaths();
let infra: Infra;

beforeAll(async () => {
  infra = await loadInfra();
});

const file = (path: string) => infra.file(path);
const declaration: Infra['declaration'] = (path, kind, name) => infra.declaration(path, kind, name);
const resourcesOfType: Infra['resourcesOfType'] = (path, type) => infra.resourcesOfType(path, type);

function roleGrants(): string[] {
  const grants: string[] = [];
  for (const path of paths) {
    const roleIds = byKind(file(path), 'var').get('roleIds')?.value;
    for (const assignment of resourcesOfType(path, 'Microsoft.Authorization/roleAssignments')) {
      const definition = textOf(at(assignment.value, 'properties', 'roleDefinitionId'));
      const key = /roleIds\.(\w+)/.exec(definition)?.[1] ?? '';
      const guid = textOf(at(roleIds, key));
      const role = Object.keys(builtInRoles).find((name) => builtInRoles[name] === guid);
      const scopeName = textOf(at(assignment.value, 'scope'));
      const scope = byKind(file(path), 'resource').get(scopeName);
      const label = scopeLabels[`${path} ${scope?.target?.split('@')[0]}`];
      const principal = textOf(at(assignment.value, 'properties', 'principalId'));
      const to = principal.includes('hsmIdentity') ? 'Managed HSM identity' : 'Function App';
      grants.push(`${role ?? `unknown role ${guid}`} on ${label ?? scopeName} to ${to}`);
    }
  }
  return grants.sort();
}

describe('the Bicep templates', () => {
  it('exist: the main template, its modules and the monitoring module', () => {
    expect(paths).toEqual(
      expect.arrayContaining([
        'main.bicep',
        'monitoring.bicep',
        'modules/backupStorage.bicep',
        'modules/functionApp.bicep',
        'modules/hostStorage.bicep',
        'modules/observability.bicep',
      ]),
    );
  });

  it.each(paths)('%s parses without a syntax error', (path) => {
    expect(file(path).syntaxErrors).toEqual([]);
  });

  it.each(paths)('%s uses no name it does not declare', (path) => {
    expect(file(path).unresolvedIdentifiers).toEqual([]);
  });

  it.each(paths)('%s describes every parameter and output', (path) => {
    const undocumented = file(path)
      .declarations.filter((d) => d.kind === 'param' || d.kind === 'output')
      .filter((d) => typeof d.decorators.get('description')?.[0] !== 'string')
      .map((d) => d.name);
    expect(undocumented).toEqual([]);
  });

  it.each(paths)('%s passes every module exactly the parameters it declares', (path) => {
    for (const module of file(path).declarations.filter((d) => d.kind === 'module')) {
      const target = relative(infraDir, join(dirname(join(infraDir, path)), module.target ?? ''));
      const params = byKind(file(target.split('\\').join('/')), 'param');
      const given = Object.keys(at(module.value, 'params') as Record<string, BicepValue>);
      const required = [...params.values()].filter((p) => p.value === undefined).map((p) => p.name);
      expect({ module: module.name, unknown: given.filter((name) => !params.has(name)) }).toEqual({
        module: module.name,
        unknown: [],
      });
      expect({
        module: module.name,
        missing: required.filter((name) => !given.includes(name)),
      }).toEqual({ module: module.name, missing: [] });
    }
  });

  it(
    'takes no secret parameter and never reads ' + 'an account key or a keyed connection string',
    () => {
      for (const path of paths) {
        const source = readFileSync(join(infraDir, path), 'utf8');
        expect({ path, secure: source.includes('@secure()') }).toEqual({ path, secure: false });
        const keyed =
          source.match(/listKeys|AccountKey|SharedAccessKey|connectionString\(/gi) ?? [];
        expect({ path, keyed }).toEqual({ path, keyed: [] });
      }
    },
  );

  it('gives the well-known ids of the built-in roles, and no other role id', () => {
    for (const path of paths) {
      const roleIds = byKind(file(path), 'var').get('roleIds')?.value;
      if (!isObject(roleIds)) continue;
      const unknown = Object.values(roleIds).filter(
        (guid) => !Object.values(builtInRoles).includes(textOf(guid)),
      );
      expect({ path, unknown }).toEqual({ path, unknown: [] });
    }
  });

  it('grants exactly the roles the deployment needs, each on its own scope', () => {
    expect(roleGrants()).toEqual(expectedGrants);
  });

  it('grants the HSM identity blob write only in managed-identity mode', () => {
    const [hsmGrant] = resourcesOfType(
      'modules/backupStorage.bicep',
      'Microsoft.Authorization/roleAssignments',
    ).filter((d) => textOf(at(d.value, 'properties', 'principalId')).includes('hsmIdentity'));
    expect(hsmGrant.condition).toContain('hsmIdentityPrincipalId');
    const passed = at(declaration('main.bicep', 'module', 'backupStorage').value, 'params');
    expect(textOf(at(passed, 'hsmIdentityPrincipalId'))).toMatch(
      /^hsmStorageAccess == 'managed-identity' \? hsmIdentityPrincipalId : ''$/,
    );
  });
});

describe('the Function App', () => {
  const path = 'modules/functionApp.bicep';

  it('runs on the Flex Consumption plan, on Linux', () => {
    const plan = declaration(path, 'resource', 'plan');
    expect(at(plan.value, 'sku')).toEqual({ tier: 'FlexConsumption', name: 'FC1' });
    expect(at(plan.value, 'properties', 'reserved')).toBe(true);
  });

  it('runs Node 22 with a system-assigned identity, https only', () => {
    const site = declaration(path, 'resource', 'site');
    expect(at(site.value, 'kind')).toBe('functionapp,linux');
    expect(at(site.value, 'identity', 'type')).toBe('SystemAssigned');
    expect(at(site.value, 'properties', 'httpsOnly')).toBe(true);
    expect(at(site.value, 'properties', 'functionAppConfig', 'runtime')).toEqual({
      name: 'node',
      version: '22',
    });
    expect(at(site.value, 'properties', 'siteConfig', 'minTlsVersion')).toBe('1.2');
    expect(at(site.value, 'properties', 'siteConfig', 'ftpsState')).toBe('Disabled');
  });

  it('loads its package from a container with its own identity, not with a key', () => {
    const site = declaration(path, 'resource', 'site');
    const storage = at(site.value, 'properties', 'functionAppConfig', 'deployment', 'storage');
    expect(at(storage, 'type')).toBe('blobContainer');
    expect(at(storage, 'authentication')).toEqual({ type: 'SystemAssignedIdentity' });
  });

  it('has publishing passwords turned off for both the deployment and the FTP endpoint', () => {
    const policies = resourcesOfType(
      path,
      'Microsoft.Web/sites/basicPublishingCredentialsPolicies',
    );
    expect(
      policies.map((p) => [at(p.value, 'name'), at(p.value, 'properties', 'allow')]).sort(),
    ).toEqual([
      ['ftp', false],
      ['scm', false],
    ]);
  });
});

describe('the storage accounts', () => {
  const accounts = () =>
    paths.flatMap((path) =>
      resourcesOfType(path, 'Microsoft.Storage/storageAccounts')
        .filter((d) => !d.existing)
        .map((d) => ({ path, account: d })),
    );

  it(
    'are https-only, TLS 1.2, private, and take ' + 'no shared key unless a parameter allows it',
    () => {
      expect(accounts().length).toBe(2);
      for (const { path, account } of accounts()) {
        const properties = at(account.value, 'properties');
        expect({ path, https: at(properties, 'supportsHttpsTrafficOnly') }).toEqual({
          path,
          https: true,
        });
        expect(at(properties, 'minimumTlsVersion')).toBe('TLS1_2');
        expect(at(properties, 'allowBlobPublicAccess')).toBe(false);
        const sharedKey = at(properties, 'allowSharedKeyAccess');
        if (sharedKey instanceof BicepExpression) {
          expect(declaration('main.bicep', 'param', 'backupAllowSharedKeyAccess').value).toBe(
            false,
          );
        } else {
          expect({ path, sharedKey }).toEqual({ path, sharedKey: false });
        }
      }
    },
  );

  it('keep the backups geo-redundant by default', () => {
    const sku = declaration('main.bicep', 'param', 'backupStorageSku');
    expect(sku.value).toMatch(/^Standard_RA-?G|^Standard_G/);
  });

  it('keep deleted backups recoverable for longer than one prune cycle', () => {
    const days = declaration('main.bicep', 'param', 'blobSoftDeleteDays');
    const minimum = days.decorators.get('minValue')?.[0];
    expect(typeof minimum === 'number' && minimum >= 2).toBe(true);
    expect(days.value).toBeGreaterThanOrEqual(7);
    const blobService = declaration('modules/backupStorage.bicep', 'resource', 'blobService');
    expect(at(blobService.value, 'properties', 'deleteRetentionPolicy')).toEqual({
      enabled: true,
      days: new BicepExpression('blobSoftDeleteDays'),
    });
  });

  it('lock the backup account against deletion by default, and offer immutability', () => {
    const [lock] = resourcesOfType('modules/backupStorage.bicep', 'Microsoft.Authorization/locks');
    expect(at(lock.value, 'properties', 'level')).toBe('CanNotDelete');
    expect(declaration('main.bicep', 'param', 'backupDeleteLock').value).toBe(true);
    const [policy] = resourcesOfType(
      'modules/backupStorage.bicep',
      'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies',
    );
    expect(policy.condition).toBe('(immutabilityDays > 0)');
  });

  it('hold the backup container and the ledger table', () => {
    const path = 'modules/backupStorage.bicep';
    expect(
      resourcesOfType(path, 'Microsoft.Storage/storageAccounts/blobServices/containers'),
    ).toHaveLength(1);
    expect(
      resourcesOfType(path, 'Microsoft.Storage/storageAccounts/tableServices/tables'),
    ).toHaveLength(1);
  });
});

describe('docs/deploy.md', () => {
  it('lists every parameter of main.bicep, and no other', () => {
    const documented = tableUnder(deployGuide, '## Parameters').map((row) => row[0]);
    const declared = [...byKind(file('main.bicep'), 'param').keys()];
    expect([...documented].sort()).toEqual([...declared].sort());
  });

  it('lists every output of main.bicep, and no other', () => {
    const documented = tableUnder(deployGuide, '## Outputs').map((row) => row[0]);
    expect([...documented].sort()).toEqual([...byKind(file('main.bicep'), 'output').keys()].sort());
  });

  it('explains every role grant the templates make', () => {
    const documented = tableUnder(deployGuide, '## What each grant is for').map(
      ([role, scope, principal]) => `${role} on ${scope} to ${principal}`,
    );
    expect(documented.sort()).toEqual(roleGrants());
  });

  it('names the HSM data-plane roles and the script that grants them', () => {
    expect(deployGuide).toContain('Managed HSM Backup');
    expect(deployGuide).toContain('Managed HSM Restore');
    expect(deployGuide).toContain('scripts/grant-hsm-roles.sh');
  });

  it('is linked from the README', () => {
    expect(readme).toMatch(/\]\(docs\/deploy\.md\)/);
  });
});
