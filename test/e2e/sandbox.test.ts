import type { SandboxSummary } from '../../local/sandbox/sandboxSummary';
import { runSandbox } from '../support/runSandbox';

describe('npm run local', () => {
  it('runs three backup cycles and prints one JSON object on stdout', async () => {
    const run = await runSandbox(['--cycles', '3', '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as SandboxSummary;
    expect(summary.hsm).toBe('contoso');
    expect(summary.backups.map((b) => b.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(summary.backups.every((b) => /^[0-9a-f]{32}$/.test(b.jobId ?? ''))).toBe(true);
    expect(summary.backups.every((b) => b.prunedAt === null)).toBe(true);
    expect(summary.containerFolders).toEqual(summary.backups.map((b) => b.folder));
    expect(run.stderr).toMatch(/cycle 3\/3 at .*: Succeeded mhsm-contoso-\d{16}/);
  });

  it(
    'keeps exactly the newest RETENTION_KEEP_LAST ' + 'folders and marks the others pruned',
    async () => {
      const run = await runSandbox(['--cycles', '4', '--json'], { RETENTION_KEEP_LAST: '2' });
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as SandboxSummary;
      expect(summary.backups).toHaveLength(4);
      expect(summary.backups.map((b) => b.status)).toEqual(Array(4).fill('Succeeded'));
      expect(summary.backups.map((b) => b.prunedAt !== null)).toEqual([true, true, false, false]);
      expect(summary.containerFolders).toEqual(summary.backups.slice(2).map((b) => b.folder));
    },
  );

  it('with --dry-run, retention plans but deletes nothing, and the plan is printed', async () => {
    const run = await runSandbox(['--cycles', '3', '--json', '--dry-run'], {
      RETENTION_KEEP_LAST: '1',
    });
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as SandboxSummary;
    expect(summary.backups.every((b) => b.prunedAt === null)).toBe(true);
    expect(summary.containerFolders).toHaveLength(3);
    expect(run.stderr).toMatch(/Retention dry run: nothing was deleted/);
    expect(run.stderr).toMatch(/keep 1, delete 2/);
  });

  it('refuses a bad setting at start-up, naming it, and starts nothing', async () => {
    const run = await runSandbox(['--cycles', '1'], { RETENTION_KEEP_LAST: '0' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/RETENTION_KEEP_LAST must be a whole number from 1/);
    expect(run.stdout).not.toMatch(/cycle 1/);
  });

  it('refuses an unknown option with the usage text', async () => {
    const run = await runSandbox(['--cycle', '3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown option "--cycle"/);
    expect(run.stderr).toMatch(/Usage: npm run local/);
  });
});
