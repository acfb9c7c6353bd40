import { planRetention, type RetentionPlanInput } from '../../../shared/retention/planRetention';
import type { RetentionRecord } from '../../../shared/retention/RetentionRecord';
import { day } from './arbitraries';
import {
  at,
  failedJob,
  folderAt,
  jobFolder,
  refusedAsBusy,
  settings,
  succeeded,
  unknown,
} from './ledgerRows';

function plan(
  records: RetentionRecord[],
  extra: string[] = [],
  changes: Partial<RetentionPlanInput> = {},
) {
  const containerFolders = [
    ...records.flatMap((r) => (r.folder && !r.prunedAt ? [r.folder] : [])),
    ...extra,
  ];
  return planRetention({
    hsmName: 'contoso',
    records,
    containerFolders,
    settings,
    backupDeadlineMs: 6 * 3_600_000,
    ...changes,
  });
}

const actionOf = (result: ReturnType<typeof plan>, folder: string) =>
  result.entries.filter((e) => e.folder === folder).map((e) => `${e.kind} ${e.action}`);

describe('the retention plan', () => {
  it('deletes the successful backups the policy removes, oldest first', () => {
    const result = plan([succeeded(0), succeeded(1), succeeded(2), succeeded(3)]);
    expect(result.deletions.map((e) => e.attemptId)).toEqual(['d0', 'd1']);
    expect(result.referenceTime).toEqual(at(3, 12_000));
    expect(result.warnings).toEqual([]);
  });

  it('never deletes a protected folder, nor the newest backup, even over the age cap', () => {
    const result = plan([succeeded(0), succeeded(40), succeeded(80)], [], {
      settings: { ...settings, keepLast: 1, maxAgeDays: 1 },
      protectedFolders: [{ folder: succeeded(0).folder, reason: 'safety backup of a restore' }],
    });
    expect(result.deletions.map((e) => e.attemptId)).toEqual(['d40']);
    expect(actionOf(result, succeeded(0).folder)).toEqual(['backup keep']);
    expect(actionOf(result, succeeded(80).folder)).toEqual(['backup keep']);
  });

  it('ignores pruned rows, and rows whose folder is not this HSM’s', () => {
    const result = plan([
      succeeded(0, { prunedAt: at(5) }),
      succeeded(1, { folder: folderAt(at(1), 'contoso-dr') }),
      succeeded(2),
    ]);
    expect(result.prunedRows).toBe(1);
    expect(result.entries.map((e) => `${e.attemptId} ${e.kind} ${e.action}`)).toEqual([
      'd2 backup keep',
      'd1 ignored none',
    ]);
  });

  it(
    'cleans a failed job’s folder once the newest ' + 'backup is the grace newer, never before',
    () => {
      const history = [failedJob(0), succeeded(1), succeeded(6)];
      expect(actionOf(plan(history, [jobFolder(0)]), jobFolder(0))).toEqual(['failed keep']);
      history.push(succeeded(7));
      const later = plan(history, [jobFolder(0)]);
      expect(actionOf(later, jobFolder(0))).toEqual(['failed delete']);
      expect(later.deletions[0]).toMatchObject({ attemptId: 'd0', status: 'Failed' });
    },
  );

  it('never counts a failed job toward the rules', () => {
    const result = plan([succeeded(0), succeeded(1), failedJob(2)], [jobFolder(2)]);
    expect(result.entries.filter((e) => e.kind === 'backup' && e.action === 'keep')).toHaveLength(
      2,
    );
  });

  it('never deletes a folder that may be an attempt’s whose outcome is unknown', () => {
    for (const attempt of [unknown(0), unknown(0, 'JobForgotten'), refusedAsBusy(0)]) {
      const result = plan([attempt, succeeded(1), succeeded(30)], [jobFolder(0)], {
        settings: { ...settings, includeUnrecorded: true },
      });
      expect(actionOf(result, jobFolder(0))).toEqual(['uncertain keep']);
      expect(result.entries.find((e) => e.folder === jobFolder(0))?.reasons[0]).toContain(
        `attempt d0 (${attempt.status}: ${attempt.failureCode})`,
      );
    }
  });

  it('does not guess between two folders inside one failed job’s run', () => {
    const twin = folderAt(at(0, 40_000));
    const result = plan([failedJob(0), succeeded(10), succeeded(20)], [jobFolder(0), twin]);
    expect(actionOf(result, jobFolder(0))).toEqual(['uncertain keep']);
    expect(actionOf(result, twin)).toEqual(['uncertain keep']);
  });

  it('keeps a folder named by a row that did not succeed, since it holds blobs', () => {
    const empty = failedJob(0, { failureCode: 'EmptyFolder', folder: jobFolder(0) });
    const result = plan([empty, succeeded(10), succeeded(20)]);
    expect(actionOf(result, jobFolder(0))).toEqual(['uncertain keep']);
  });

  it('reports unrecorded folders, and deletes them after the grace only when included', () => {
    const manual = folderAt(at(3, 5 * 3_600_000));
    const history = [succeeded(0), succeeded(1), succeeded(20)];
    const reported = plan(history, [manual]);
    expect(actionOf(reported, manual)).toEqual(['unrecorded keep']);
    expect(reported.warnings.join('\n')).toContain(`not in the ledger as backups: ${manual}`);
    const included = { settings: { ...settings, includeUnrecorded: true } };
    expect(actionOf(plan(history, [manual], included), manual)).toEqual(['unrecorded delete']);
    const recent = folderAt(at(18));
    expect(actionOf(plan(history, [recent], included), recent)).toEqual(['unrecorded keep']);
  });

  it('deletes at most the cap per run, oldest first, folders held before last', () => {
    const history = Array.from({ length: 15 }, (_, i) =>
      succeeded(i, i === 0 ? { heldCode: 'BlobImmutableDueToPolicy' } : {}),
    );
    const result = plan(history, [], { settings: { ...settings, keepLast: 1 } });
    expect(result.deletions.map((e) => e.attemptId)).toEqual([
      'd1',
      'd2',
      'd3',
      'd4',
      'd5',
      'd6',
      'd7',
      'd8',
      'd9',
      'd10',
    ]);
    expect(result.deferred).toBe(4);
    expect(result.entries.filter((e) => e.action === 'defer').map((e) => e.attemptId)).toEqual([
      'd13',
      'd12',
      'd11',
      'd0',
    ]);
    expect(result.warnings[0]).toBe(
      '14 folders are due for deletion; 10 go in this run and 4 wait for later runs ' +
        '(RETENTION_MAX_DELETIONS_PER_RUN=10).',
    );
  });

  it('deletes nothing at all before the first successful backup', () => {
    const result = plan([failedJob(0), unknown(1)], [jobFolder(0), folderAt(at(0, -day))], {
      settings: { ...settings, includeUnrecorded: true },
    });
    expect(result.deletions).toEqual([]);
    expect(result.warnings[0]).toBe('No successful backup in the ledger: nothing is deleted.');
  });

  it('lists attempts without a folder, with what is known of them', () => {
    const result = plan([refusedAsBusy(0), failedJob(1), succeeded(2)]);
    expect(result.entries.map((e) => `${e.attemptId} ${e.kind} ${e.action}`)).toEqual([
      'd2 backup keep',
      'd1 failed none',
      'd0 uncertain none',
    ]);
  });
});

describe('the README example, night by night', () => {
  /** 40 nightly backups from `first`, pruned after each one as the orchestration does. */
  function nights(first: number): string[] {
    const policy = { ...settings, keepLast: 1, keepDaily: 7, keepWeekly: 4 };
    let records: RetentionRecord[] = [];
    for (let night = first; night < first + 40; night++) {
      records = [...records, succeeded(night)];
      const result = plan(records, [], { settings: policy });
      const gone = new Set(result.deletions.map((e) => e.attemptId));
      records = records.map((r) => (gone.has(r.attemptId) ? { ...r, prunedAt: at(night) } : r));
    }
    return records.filter((r) => !r.prunedAt).map((r) => r.folder ?? '');
  }

  it('leaves the 9 folders the README lists', () => {
    // Day 0 is Monday 2026-03-02; day -60 is Thursday 2026-01-01.
    expect(nights(-60).map((f) => f.slice(13, 21))).toEqual([
      '20260125',
      '20260201',
      '20260203',
      '20260204',
      '20260205',
      '20260206',
      '20260207',
      '20260208',
      '20260209',
    ]);
  });

  it.each([0, 1, 2, 3, 4, 5, 6])(
    'leaves 9 folders, or 10 when the newest is a Sunday (first night day %i)',
    (first) => {
      const newestIsSunday = (first + 39) % 7 === 6;
      expect(nights(first)).toHaveLength(newestIsSunday ? 10 : 9);
    },
  );
});
