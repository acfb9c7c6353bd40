import { folderFromUrl, parseBackupFolder } from '../../shared/storage/backupFolderName';

describe('backup folder names', () => {
  it.each([
    ['mhsm-contoso-2022050921242939', '2022-05-09T21:24:29.390Z'],
    ['mhsm-contoso-20220509212429', '2022-05-09T21:24:29.000Z'],
    ['mhsm-contoso-202205092124293', '2022-05-09T21:24:29.300Z'],
  ])('reads %s as %s', (folder, iso) => {
    expect(parseBackupFolder(folder, 'contoso')?.time.toISOString()).toBe(iso);
  });

  it('matches a folder only against the exact HSM name, hyphens included', () => {
    const folder = 'mhsm-contoso-dr-2022050921242939';
    expect(parseBackupFolder(folder, 'contoso-dr')).toBeDefined();
    expect(parseBackupFolder(folder, 'contoso')).toBeUndefined();
    expect(parseBackupFolder('mhsm-contoso-2022050921242939', 'contoso-dr')).toBeUndefined();
  });

  it.each([
    'mhsm-contoso-2022130921242939',
    'mhsm-contoso-2022053221242939',
    'mhsm-contoso-2022050925242939',
    'mhsm-contoso-2022050921',
    'mhsm-contoso-202205092124293999',
    'mhsm-contoso-2022050921242939/../x',
    'contoso-2022050921242939',
  ])('refuses %s', (folder) => {
    expect(parseBackupFolder(folder, 'contoso')).toBeUndefined();
  });

  it('takes the folder from a folder URL under the container only', () => {
    const container = 'https://acct.blob.core.windows.net/backups';
    expect(folderFromUrl(`${container}/mhsm-contoso-2022050921242939`, container)).toBe(
      'mhsm-contoso-2022050921242939',
    );
    expect(folderFromUrl(`${container}/a/b`, container)).toBeUndefined();
    expect(folderFromUrl('https://evil.example/backups/mhsm-contoso-1', container)).toBeUndefined();
    expect(folderFromUrl(`${container}/mhsm-contoso-1?sig=x`, container)).toBeUndefined();
    expect(folderFromUrl(`${container}-other/mhsm-contoso-1`, container)).toBeUndefined();
  });
});
