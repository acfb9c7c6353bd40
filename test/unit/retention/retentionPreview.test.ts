import {
  buildRetentionPreview,
  renderRetentionPreview,
} from '../../../shared/retention/retentionPreview';
import { at, failedJob, folderAt, jobFolder, settings, succeeded, unknown } from './ledgerRows';

const input = {
  hsmName: 'contoso',
  records: [
    succeeded(0),
    failedJob(1),
    succeeded(2),
    unknown(3),
    succeeded(10, { heldCode: 'BlobImmutableDueToPolicy' }),
    succeeded(11),
    succeeded(12),
  ],
  containerFolders: [0, 1, 2, 3, 10, 11, 12].map(jobFolder).concat(folderAt(at(5, 3_600_000))),
  settings: { ...settings, keepLast: 1, keepDaily: 2, maxDeletionsPerRun: 2 },
  backupDeadlineMs: 6 * 3_600_000,
  protectedFolders: [{ folder: jobFolder(0), reason: 'safety backup of the latest restore' }],
};

describe('the retention preview', () => {
  it('is plain JSON: what it says survives a round trip', () => {
    const preview = buildRetentionPreview(input);
    expect(JSON.parse(JSON.stringify(preview))).toEqual(preview);
    expect(preview.totals).toEqual({ keep: 5, delete: 2, defer: 1, none: 1, prunedRows: 0 });
    expect(preview.policy.rules).toEqual([
      { rule: 'last', setting: 'RETENTION_KEEP_LAST', value: '1' },
      { rule: 'daily', setting: 'RETENTION_KEEP_DAILY', value: '2' },
    ]);
  });

  it('prints the policy in words, then every backup and folder with its reasons', () => {
    const lines = renderRetentionPreview(buildRetentionPreview(input)).split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'Retention preview for contoso',
      '',
      'Policy:',
      '  A successful backup is kept when any rule keeps it; the policy the RETENTION_KEEP_* ' +
        'settings write:',
      '  - keep the newest successful backup (RETENTION_KEEP_LAST);',
      '  - keep the newest backup of each of the 2 most recent UTC days that have one ' +
        '(RETENTION_KEEP_DAILY);',
    ]);
    const row = (folder: string) =>
      lines.find((line) => line.startsWith('  ') && line.includes(`  ${folder}  `))?.trim();
    expect(row(jobFolder(12))).toBe(
      'keep    2026-03-14 02:00:12  mhsm-contoso-2026031402001200  Succeeded  newest ' +
        'successful backup; one of the last 1; daily: newest of 2026-03-14 (1 of 2)',
    );
    expect(row(jobFolder(10))).toMatch(
      /^defer .* held by the service \(BlobImmutableDueToPolicy\); no rule keeps it; deferred/,
    );
    expect(row(jobFolder(1))).toMatch(/^delete .* Failed +folder of failed attempt d1/);
    expect(row(jobFolder(0))).toMatch(/^keep .* protected: safety backup of the latest restore$/);
    expect(row(folderAt(at(5, 3_600_000)))).toMatch(/^keep .* made during attempt d3 \(Unknown/);
    expect(lines).toContain(
      '  - 3 folders are due for deletion; 2 go in this run and 1 wait for later runs ' +
        '(RETENTION_MAX_DELETIONS_PER_RUN=2).',
    );
  });
});
