import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Files that hold orchestrator code: they take an OrchestrationContext. */
const orchestrationFiles = [
  ...sourceFiles(join(root, 'shared')),
  ...sourceFiles(join(root, 'functions')),
]
  .filter((path) => /OrchestrationContext/.test(readFileSync(path, 'utf8')))
  .map((path) => relative(root, path));

const forbidden: [RegExp, string][] = [
  [/Date\.now\(/, 'reads the clock'],
  [/new Date\(\s*\)/, 'reads the clock'],
  [/Math\.random\(/, 'uses randomness'],
  [/random(Bytes|UUID|Int)\(/, 'uses randomness'],
  [/performance\.now\(/, 'reads the clock'],
  [/process\.env/, 'reads settings that may change between replays'],
  [/setTimeout\(|setInterval\(/, 'waits outside durable timers'],
  [/from '.*app\/clock'/, 'uses the app clock instead of currentUtcDateTime'],
  [/appConfig\(\)/, 'reads settings that may change between replays'],
];

describe('orchestrator code', () => {
  it('is found', () => {
    expect(orchestrationFiles).toEqual(
      expect.arrayContaining([
        'shared/backup/backupCycleOrchestrator.ts',
        'shared/orchestration/jobSteps.ts',
      ]),
    );
  });

  it.each(orchestrationFiles)('%s never reads the clock, randomness or settings', (file) => {
    const text = readFileSync(join(root, file), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
      .join('\n');
    const found = forbidden.filter(([pattern]) => pattern.test(text)).map(([, why]) => why);
    expect(found).toEqual([]);
  });
});
