import { join, resolve } from 'node:path';
import { startLocalHost } from './index';

/**
 * `node dist/local/host/main.js [--app-root DIR] [--port N] [--state-dir DIR] [--run-timers]`:
 * the local host on its own, as `func start` would run the app. Settings come from the
 * environment. Prints one JSON line `{"url", "functionKey", "masterKey"}` once it listens; then
 * the app's log lines on stderr. `LOCAL_HOST_CRASH_AT=before:N` or `after:N` (tests only) makes
 * it kill itself right before or after its N-th write of orchestration state.
 */
async function main(argv: string[]): Promise<void> {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const crash = /^(before|after):(\d+)$/.exec(process.env.LOCAL_HOST_CRASH_AT ?? '');
  const host = await startLocalHost({
    appRoot: resolve(value('--app-root') ?? join(__dirname, '..', '..', '..')),
    port: Number(value('--port') ?? '0'),
    stateDir: value('--state-dir'),
    runTimers: argv.includes('--run-timers'),
    functionKey: process.env.LOCAL_FUNCTION_KEY || undefined,
    masterKey: process.env.LOCAL_MASTER_KEY || undefined,
    crashAt: crash
      ? { moment: crash[1] as 'before' | 'after', write: Number(crash[2]) }
      : undefined,
    log: (record) =>
      process.stderr.write(
        `${record.level} ${record.functionName ?? record.category}: ${record.message}\n`,
      ),
  });
  process.stdout.write(
    `${JSON.stringify({
      url: host.url,
      functionKey: host.functionKey,
      masterKey: host.masterKey,
    })}\n`,
  );
  const stop = () => void host.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `local host failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
