import type { SandboxSummary } from '../../local/sandbox/sandboxSummary';
import { parseBackupFolder } from '../../shared/storage/backupFolderName';
import { runSandbox } from '../support/runSandbox';

/**
 * The README's example, run: forty nightly cycles a simulated day apart with
 * RETENTION_KEEP_LAST=1, RETENTION_KEEP_DAILY=7 and RETENTION_KEEP_WEEKLY=4. The expected
 * folders are worked out here, independently of the app, from the semantics the README states:
 * the newest backup; the newest backup of each of the 7 newest days that have one; and of each of
 * the 4 newest ISO weeks (Monday start, UTC) that have one.
 */
function predictKept(times: Date[]): Set<number> {
  const newestFirst = [...times].sort((a, b) => b.getTime() - a.getTime());
  const kept = new Set<number>([newestFirst[0].getTime()]);
  const keepNewestPer = (bucket: (t: Date) => string, count: number) => {
    const seen = new Set<string>();
    for (const time of newestFirst) {
      const key = bucket(time);
      if (seen.has(key)) continue;
      seen.add(key);
      if (seen.size > count) break;
      kept.add(time.getTime());
    }
  };
  keepNewestPer((t) => t.toISOString().slice(0, 10), 7);
  keepNewestPer((t) => {
    // The Monday that starts the ISO week.
    const day = (t.getUTCDay() + 6) % 7;
    return new Date(
      Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() - day),
    ).toISOString();
  }, 4);
  return kept;
}

describe('retention over forty simulated nights', () => {
  it('leaves exactly the folders the README predicts', async () => {
    const run = await runSandbox(
      ['--cycles', '40', '--every', '1d', '--json'],
      {
        RETENTION_KEEP_LAST: '1',
        RETENTION_KEEP_DAILY: '7',
        RETENTION_KEEP_WEEKLY: '4',
        RETENTION_MAX_DELETIONS_PER_RUN: '40',
        LOCAL_HSM_JOB_DURATION_MS: '100',
      },
      400_000,
    );
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as SandboxSummary;
    expect(summary.backups).toHaveLength(40);
    expect(summary.backups.every((b) => b.status === 'Succeeded')).toBe(true);
    const times = summary.backups.map(
      (b) => parseBackupFolder(b.folder as string, 'contoso')!.time,
    );
    const predicted = predictKept(times);
    const remaining = summary.containerFolders.map((f) =>
      parseBackupFolder(f, 'contoso')!.time.getTime(),
    );
    expect(new Set(remaining)).toEqual(predicted);
    expect([9, 10]).toContain(remaining.length);
    // Pruning never changes a status; it sets prunedAt on exactly the folders that went.
    expect(summary.backups.filter((b) => b.prunedAt !== null)).toHaveLength(40 - remaining.length);
  }, 420_000);
});
