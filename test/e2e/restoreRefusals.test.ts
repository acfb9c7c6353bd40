import { backupInstanceId, type BackupCycleResult } from '../../shared/backup/BackupCycle';
import { nextSecond, startAppUnderTest, type AppUnderTest } from '../support/appUnderTest';

let app: AppUnderTest;
let pruned: string;
let kept: string;

beforeAll(async () => {
  app = await startAppUnderTest({
    settings: { BACKUP_SCHEDULE: '* * * * * *', RESTORE_ENABLED: 'true', RETENTION_KEEP_LAST: '1' },
  });
  const folders: string[] = [];
  for (let i = 0; i < 2; i++) {
    await nextSecond();
    await app.host.invokeTimer('backupTimer');
    const done = await app.host.waitForInstance(backupInstanceId('contoso'), { timeoutMs: 30_000 });
    folders.push((done.output as BackupCycleResult).folder as string);
  }
  [pruned, kept] = folders;
  app.emulator.resetStats();
});
afterAll(() => app?.stop());

const containerUrl = () => `${app.settings.BACKUP_STORAGE_URL}/${app.settings.BACKUP_CONTAINER}`;

describe('restore requests that must be refused', () => {
  const cases: [string, () => unknown, number, string][] = [
    [
      'a wrong confirmation',
      () => ({ folder: kept, confirm: 'Contoso' }),
      400,
      'ConfirmationMismatch',
    ],
    ['no confirmation', () => ({ folder: kept }), 400, 'InvalidField'],
    ['no folder', () => ({ confirm: 'contoso' }), 400, 'InvalidField'],
    [
      'another HSM folder',
      () => ({ folder: 'mhsm-contoso-dr-2026120402000000', confirm: 'contoso' }),
      400,
      'InvalidFolder',
    ],
    [
      'a malformed timestamp',
      () => ({ folder: 'mhsm-contoso-2026139902000000', confirm: 'contoso' }),
      400,
      'InvalidFolder',
    ],
    [
      'path traversal',
      () => ({ folder: `${kept}/../x`, confirm: 'contoso' }),
      400,
      'InvalidFolder',
    ],
    [
      'a folder URL with a query',
      () => ({ folder: `${containerUrl()}/${kept}?sig=abc`, confirm: 'contoso' }),
      400,
      'InvalidFolder',
    ],
    [
      'a folder URL on another host',
      () => ({ folder: `https://evil.example/x/${kept}`, confirm: 'contoso' }),
      400,
      'InvalidFolder',
    ],
    [
      'a folder URL in another container',
      () => ({ folder: `${containerUrl()}-old/${kept}`, confirm: 'contoso' }),
      400,
      'InvalidFolder',
    ],
    [
      'an unknown field',
      () => ({ folder: kept, confirm: 'contoso', force: true }),
      400,
      'UnknownField',
    ],
    [
      'a string for a boolean',
      () => ({ folder: kept, confirm: 'contoso', dryRun: 'yes' }),
      400,
      'InvalidField',
    ],
    ['a number for the folder', () => ({ folder: 7, confirm: 'contoso' }), 400, 'InvalidField'],
    ['an array body', () => [kept], 400, 'InvalidBody'],
    ['a body that is not JSON', () => 'folder=x&confirm=contoso', 400, 'InvalidJson'],
    [
      'a body of several MB',
      () => JSON.stringify({ folder: kept, confirm: 'contoso', pad: 'x'.repeat(3_000_000) }),
      413,
      'BodyTooLarge',
    ],
    [
      'a folder never recorded',
      () => ({ folder: 'mhsm-contoso-2020010100000000', confirm: 'contoso' }),
      404,
      'FolderNotRecorded',
    ],
    ['a pruned folder', () => ({ folder: pruned, confirm: 'contoso' }), 409, 'BackupPruned'],
  ];

  it.each(cases)('refuses %s with a JSON reason', async (_, body, status, code) => {
    const response = await app.call('POST', '/api/restore', body());
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error: { code, message: expect.any(String) } });
  });

  it('refuses a request without the function key', async () => {
    const response = await app.call(
      'POST',
      '/api/restore',
      { folder: kept, confirm: 'contoso' },
      {
        'x-functions-key': '',
      },
    );
    expect(response.status).toBe(401);
  });

  it('refuses a declared non-JSON content type', async () => {
    const response = await app.call(
      'POST',
      '/api/restore',
      { folder: kept, confirm: 'contoso' },
      {
        'content-type': 'application/xml',
      },
    );
    expect(response).toMatchObject({
      status: 415,
      body: { error: { code: 'UnsupportedMediaType' } },
    });
  });

  it.each([
    ['/api/restore/restore-contoso-dr-20261204020000-abcdef', 404, 'RestoreNotFound'],
    ['/api/restore/backup-contoso', 404, 'RestoreNotFound'],
    ['/api/backups?status=Bogus', 400, 'InvalidParameter'],
    ["/api/backups?status=Succeeded' or '1' eq '1", 400, 'InvalidParameter'],
    ['/api/backups?limit=1000', 400, 'InvalidParameter'],
    ['/api/backups?next=%00%01', 400, 'InvalidParameter'],
    ['/api/backups?filter=x', 400, 'UnknownParameter'],
    ['/api/backups/restore-contoso-x', 404, 'BackupRunNotFound'],
  ])('answers GET %s with %i', async (path, status, code) => {
    const response = await app.call('GET', path);
    expect(response).toMatchObject({ status, body: { error: { code } } });
  });

  it('refuses an invalid key name on a key restore', async () => {
    const response = await app.call('POST', '/api/restore/keys/bad.name', {
      folder: kept,
      confirm: 'contoso',
    });
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'InvalidKeyName' } } });
  });

  it('sent nothing at all to the HSM for any of them', () => {
    expect(app.emulator.stats().requests).toEqual([]);
  });

  it('still restores the kept folder afterwards: the process stayed up', async () => {
    const response = await app.call('POST', '/api/restore', {
      folder: kept,
      confirm: 'contoso',
      dryRun: true,
    });
    expect(response.status).toBe(202);
  });
});
