import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SettingReader } from '../../shared/config/settingReaders';
import { planRetention } from '../../shared/retention/planRetention';
import { readRetentionSettings } from '../../shared/retention/readRetentionSettings';
import type { RetentionRecord } from '../../shared/retention/RetentionRecord';
import { parseBackupFolder } from '../../shared/storage/backupFolderName';

/**
 * One fixed history of successful backups against many policies, written as an operator writes
 * them. The expected keep lists are checked in under expected/ (one file per policy, newest
 * first, with the reasons); `UPDATE_GOLDEN=1 npx jest test/golden` rewrites them, and every
 * rewrite is reviewed by hand against the README before it is committed.
 */
const here = join(__dirname, 'retention');
const history = JSON.parse(readFileSync(join(here, 'history.json'), 'utf8')) as {
  hsm: string;
  folders: string[];
};
const policies = JSON.parse(readFileSync(join(here, 'policies.json'), 'utf8')) as {
  name: string;
  settings: Record<string, string>;
  protected?: string[];
}[];

const records: RetentionRecord[] = history.folders.map((folder, index) => {
  const time = parseBackupFolder(folder, history.hsm)?.time;
  if (!time) throw new Error(`history.json: ${folder} is not a backup folder of ${history.hsm}`);
  return {
    attemptId: `b${String(index).padStart(3, '0')}`,
    status: 'Succeeded',
    occurrence: time,
    createdAt: time,
    folder,
    startTime: time,
    endTime: new Date(time.getTime() + 600_000),
  };
});

function keepList(policy: (typeof policies)[number]): string {
  const read = new SettingReader(policy.settings);
  const settings = readRetentionSettings(read);
  if (read.problems.length > 0) throw read.problems[0];
  const plan = planRetention({
    hsmName: history.hsm,
    records,
    containerFolders: history.folders,
    settings: { ...settings, maxDeletionsPerRun: 1000 },
    backupDeadlineMs: 6 * 3_600_000,
    protectedFolders: (policy.protected ?? []).map((folder) => ({ folder, reason: 'golden' })),
  });
  const kept = plan.entries.filter((e) => e.action === 'keep');
  const lines = [
    `# ${policy.name}: ${JSON.stringify(policy.settings)}`,
    `# keeps ${kept.length} of ${history.folders.length}, newest first`,
    ...kept.map((e) => `${e.folder}  ${e.reasons.join('; ')}`),
  ];
  return lines.join('\n') + '\n';
}

describe('retention against the golden history', () => {
  it.each(policies.map((p) => [p.name, p] as const))(
    'keeps what expected/%s.txt says',
    (name, policy) => {
      const file = join(here, 'expected', `${name}.txt`);
      const actual = keepList(policy);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
      expect(actual).toBe(readFileSync(file, 'utf8'));
    },
  );
});
