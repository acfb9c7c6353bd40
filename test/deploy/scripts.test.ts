import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './infraFiles';

const scriptsDir = join(repoRoot, 'scripts');
const shellScripts = readdirSync(scriptsDir).filter((name) => name.endsWith('.sh'));
const principal = '11111111-2222-3333-4444-555555555555';

/**
 * A stand-in for the Azure CLI: it records every call and answers the few the scripts make from
 * environment variables, so the scripts run for real without reaching Azure.
 */
const fakeAz = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$FAKE_AZ_LOG"
role='' query=''
while [ $# -gt 0 ]; do
  case "$1" in
    --role) role=$2; shift 2 ;;
    --query) query=$2; shift 2 ;;
    *) shift ;;
  esac
done
call=$(tail -1 "$FAKE_AZ_LOG")
case "$call" in
  'account show'*) exit 0 ;;
  'keyvault role assignment list'*)
    if printf '%s\\n' "$FAKE_AZ_HSM_ROLES" | grep -qx "$role"; then echo 1; else echo 0; fi ;;
  'keyvault role assignment create'*) [ "\${FAKE_AZ_CREATE_FAILS:-}" = 1 ] && exit 1; exit 0 ;;
  'functionapp identity show'*) echo "$FAKE_AZ_PRINCIPAL" ;;
  'functionapp config appsettings list'*)
    name=$(sed -E "s/.*name=='([A-Z_]+)'.*/\\1/" <<< "$query")
    var="FAKE_AZ_SETTING_$name"; echo "\${!var:-}" ;;
  'functionapp function list'*) printf '%s\\n' $FAKE_AZ_FUNCTIONS ;;
  *) echo "fake az: unexpected call: $call" >&2; exit 2 ;;
esac
`;

let workDir: string;
let binDir: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'hsm-backup-scripts-'));
  binDir = join(workDir, 'bin');
  mkdirSync(binDir);
  writeFileSync(join(binDir, 'az'), fakeAz);
  chmodSync(join(binDir, 'az'), 0o755);
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  output: string;
  azCalls: string[];
}

function runScript(script: string, args: string[], env: Record<string, string> = {}): Run {
  const log = join(workDir, `az-${Math.random().toString(16).slice(2)}.log`);
  writeFileSync(log, '');
  const result = spawnSync('bash', [join(scriptsDir, script), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      PATH: `${binDir}:${process.env.PATH ?? ''}`,
      HOME: workDir,
      FAKE_AZ_LOG: log,
      FAKE_AZ_PRINCIPAL: principal,
      FAKE_AZ_HSM_ROLES: '',
      FAKE_AZ_FUNCTIONS: '',
      FAKE_AZ_SETTING_HSM_URL: 'https://contoso.managedhsm.azure.net',
      ...env,
    },
    timeout: 30_000,
  });
  return {
    status: result.status,
    output: `${result.stdout}${result.stderr}`,
    azCalls: readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

const grants = (run: Run) =>
  run.azCalls.filter((call) => call.startsWith('keyvault role assignment create'));

describe('the deployment scripts', () => {
  it.each(shellScripts)('%s is valid bash', (script) => {
    const result = spawnSync('bash', ['-n', join(scriptsDir, script)], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each(['deploy.sh', 'grant-hsm-roles.sh', 'check-deployment.sh'])(
    '%s explains its own use with --help',
    (script) => {
      const run = runScript(script, ['--help']);
      expect(run.status).toBe(0);
      expect(run.output).toContain(`scripts/${script}`);
      expect(run.azCalls).toEqual([]);
    },
  );
});

describe('scripts/grant-hsm-roles.sh', () => {
  const args = ['--hsm-name', 'contoso', '--principal-id', principal];

  it('grants Managed HSM Backup at the HSM root scope, and nothing more', () => {
    const run = runScript('grant-hsm-roles.sh', args);
    expect(run.status).toBe(0);
    expect(grants(run)).toEqual([
      `keyvault role assignment create --hsm-name contoso --role Managed HSM Backup ` +
        `--assignee-object-id ${principal} --assignee-principal-type ServicePrincipal ` +
        `--scope / --output none`,
    ]);
  });

  it('leaves a grant that exists alone', () => {
    const run = runScript('grant-hsm-roles.sh', args, { FAKE_AZ_HSM_ROLES: 'Managed HSM Backup' });
    expect(run.status).toBe(0);
    expect(grants(run)).toEqual([]);
    expect(run.output).toContain('Managed HSM Backup: already granted');
  });

  it('grants Managed HSM Restore too with --restore', () => {
    const run = runScript('grant-hsm-roles.sh', [...args, '--restore']);
    expect(grants(run).map((call) => /--role (.+?) --assignee/.exec(call)?.[1])).toEqual([
      'Managed HSM Backup',
      'Managed HSM Restore',
    ]);
  });

  it(
    'warns about a restore grant left behind with restores off, with the command that ' +
      'removes it',
    () => {
      const run = runScript('grant-hsm-roles.sh', args, {
        FAKE_AZ_HSM_ROLES: 'Managed HSM Backup\nManaged HSM Restore',
      });
      expect(run.status).toBe(0);
      expect(run.output).toContain('az keyvault role assignment delete --hsm-name contoso');
    },
  );

  it('fails with the command for an HSM policy administrator when it may not grant', () => {
    const run = runScript('grant-hsm-roles.sh', args, { FAKE_AZ_CREATE_FAILS: '1' });
    expect(run.status).toBe(1);
    expect(run.output).toContain('Managed HSM Policy Administrator');
    expect(run.output).toContain(
      `az keyvault role assignment create --hsm-name contoso --role 'Managed HSM Backup' ` +
        `--assignee-object-id ${principal}`,
    );
  });
});

describe('scripts/check-deployment.sh', () => {
  const args = ['--resource-group', 'rg', '--app-name', 'hsmbackup-contoso', '--wait-minutes', '0'];

  it('fails on a missing backup grant, naming the fix, before anything else', () => {
    const run = runScript('check-deployment.sh', args, { FAKE_AZ_FUNCTIONS: 'backupTimer' });
    expect(run.status).toBe(1);
    expect(run.output).toContain('does not hold Managed HSM Backup on contoso');
    expect(run.output).toContain(
      `fix (as a Managed HSM Policy Administrator or Administrator): ` +
        `scripts/grant-hsm-roles.sh --hsm-name contoso --principal-id ${principal}`,
    );
    expect(run.azCalls.some((call) => call.startsWith('functionapp function list'))).toBe(false);
  });

  it('asks for the restore grant too when restores are on', () => {
    const run = runScript('check-deployment.sh', args, {
      FAKE_AZ_HSM_ROLES: 'Managed HSM Backup',
      FAKE_AZ_SETTING_RESTORE_ENABLED: 'true',
      FAKE_AZ_FUNCTIONS: 'backupTimer',
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain('does not hold Managed HSM Restore');
    expect(run.output).toContain(`--principal-id ${principal} --restore`);
  });

  it(
    'fails when the host registered no function, ' + 'pointing at the log that names the setting',
    () => {
      const run = runScript('check-deployment.sh', args, {
        FAKE_AZ_HSM_ROLES: 'Managed HSM Backup',
      });
      expect(run.status).toBe(1);
      expect(run.output).toContain('registered no backupTimer');
    },
  );

  it('passes when the grants are in place and the app is loaded', () => {
    const run = runScript('check-deployment.sh', args, {
      FAKE_AZ_HSM_ROLES: 'Managed HSM Backup',
      FAKE_AZ_FUNCTIONS: 'backupTimer backupCycleOrchestrator startBackupActivity',
    });
    expect(run.status).toBe(0);
    expect(run.output).toContain('ok: hsmbackup-contoso registered 3 functions');
    expect(run.output).toContain('Deployment checks passed');
  });
});

describe('scripts/deploy.sh', () => {
  const required = [
    '--resource-group',
    'rg',
    '--location',
    'westeurope',
    '--hsm-name',
    'contoso',
    '--backup-storage-account',
    'contosohsmbackups',
  ];

  it.each([
    [
      'restore roles without App Service authentication',
      'restoreAllowedRoles=HsmRestoreOperator',
      'restoreAllowedRoles needs authClientId',
    ],
    [
      'managed-identity backups without the HSM identity',
      'hsmStorageAccess=managed-identity',
      'needs hsmIdentityPrincipalId',
    ],
  ])('refuses %s before deploying anything', (_, param, message) => {
    const run = runScript('deploy.sh', [...required, '--param', param]);
    expect(run.status).toBe(1);
    expect(run.output).toContain(message);
    expect(run.azCalls).toEqual([]);
  });
});
