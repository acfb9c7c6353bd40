import { cycleDuration } from './cycleDuration';
import { deleteFolderMemory } from './deleteFolderMemory';

/**
 * `npm run bench`: the figures behind the speed and memory claims in the README. Benchmarks
 * print measurements; they never fail a build (tests never time anything).
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const print = (lines: string[]) => lines.forEach((line) => console.log(`  ${line}`));
  console.log('Deleting a backup folder (memory must stay flat as folders grow):');
  print(await deleteFolderMemory(quick ? [1000, 4000] : [1000, 5000, 20000]));
  console.log('Sandbox runs:');
  print(cycleDuration(quick ? [1, 3] : [1, 5]));
  console.log(
    'Telemetry with its sink down is measured inside a loopback-only network namespace by ' +
      'test/telemetry/sandboxTelemetry.test.ts (see docs/monitoring.md for the figures).',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
