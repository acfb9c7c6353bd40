import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Wall time of whole sandbox runs (start, N backup cycles, summary, stop), as an operator sees
 * them: the cost of a cycle beyond the emulated job itself, and of start-up.
 */
export function cycleDuration(cycles: readonly number[]): string[] {
  const main = join(__dirname, '..', 'local', 'sandbox', 'main.js');
  return cycles.map((count) => {
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [main, '--cycles', String(count), '--ports', 'auto', '--json'],
      {
        encoding: 'utf8',
        env: { ...process.env, LOCAL_HSM_JOB_DURATION_MS: '1500' },
      },
    );
    const seconds = (Date.now() - started) / 1000;
    const ok = run.status === 0 ? 'all succeeded' : `exit ${run.status}`;
    return `sandbox with ${count} cycles (1.5 s emulated jobs): ${seconds.toFixed(1)} s, ${ok}`;
  });
}
