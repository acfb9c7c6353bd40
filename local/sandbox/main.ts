import { format } from 'node:util';
import { useClock } from '../../shared/app/clock';
import { appServices } from '../../shared/app/appServices';
import { ConfigurationError } from '../../shared/config/ConfigurationError';
import { flushTelemetry } from '../../shared/telemetry/telemetry';
import { sandboxTelemetryRefusal } from '../telemetrySink/loopbackOnly';
import { allSucceeded, runCycles } from './runCycles';
import { readRetentionPlanInput } from '../../shared/retention/readRetentionInputs';
import {
  buildRetentionPreview,
  renderRetentionPreview,
} from '../../shared/retention/retentionPreview';
import { parseSandboxArgs, usage, UsageError, type SandboxArgs } from './sandboxArgs';
import { formatSummary, readSummary } from './sandboxSummary';
import { startSandbox, type Sandbox } from './startSandbox';

/**
 * `npm run local`: the whole app on this machine. With --cycles N it fires N backup cycles and
 * exits 0 only if all succeeded; otherwise it serves until Ctrl-C or SIGTERM. Either way it stops
 * everything it started.
 */
async function main(argv: readonly string[]): Promise<number> {
  let args: SandboxArgs | 'help';
  try {
    args = parseSandboxArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (args.json && args.cycles === undefined) {
    process.stderr.write('--json goes with --cycles (it prints once, at exit)\n');
    return 2;
  }
  // With --json, stdout carries the JSON object alone; everything else goes to stderr, including
  // what the app itself prints with console.log at start-up.
  const say = (line: string) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (args.json) {
    const toStderr = (...parts: unknown[]) => process.stderr.write(`${format(...parts)}\n`);
    console.log = toStderr;
    console.info = toStderr;
  }

  const telemetryRefused = sandboxTelemetryRefusal(process.env);
  if (telemetryRefused) {
    process.stderr.write(`Telemetry: ${telemetryRefused}\n`);
    return 2;
  }
  const sandbox = await startSandbox(args, (line) => process.stderr.write(`${line}\n`));
  let stopping: Promise<void> | undefined;
  // Telemetry goes out first, with a bounded wait (the sink may be down), then everything stops.
  const shutdown = () => (stopping ??= flushTelemetry(5000).then(() => sandbox.stop()));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`\n${signal}: stopping everything the sandbox started...`);
      void shutdown().then(() => process.exit(130));
    });
  }
  try {
    return await run(args, sandbox, say);
  } finally {
    await shutdown();
  }
}

async function run(
  args: SandboxArgs,
  sandbox: Sandbox,
  say: (line: string) => void,
): Promise<number> {
  useClock(sandbox.clock.now);
  const services = appServices();
  const { config } = services;
  say(`hsm-backup sandbox: HSM ${config.hsm.name} at ${config.hsm.url.href}`);
  say(`  storage ${config.storage.blobUrl.href}, container ${config.storage.container}`);
  say(`  functions at ${sandbox.host.url}/api/  (function key: ${sandbox.functionKey})`);

  let exitCode = 0;
  if (args.cycles !== undefined) {
    const reports = await runCycles(sandbox.host, sandbox.clock, {
      count: args.cycles,
      everyMs: args.everyMs,
      schedule: config.schedule,
      hsmName: config.hsm.name,
      timeoutMs: config.polling.deadlineMs + 120_000,
      report: say,
    });
    exitCode = allSucceeded(reports) ? 0 : 1;
    if (args.dryRun) {
      const input = await readRetentionPlanInput(services, config.hsm.name);
      say(
        `Retention dry run: nothing was deleted. The plan ` +
          `now:\n${renderRetentionPreview(buildRetentionPreview(input))}`,
      );
    }
    const summary = await readSummary(services);
    if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else say(formatSummary(summary));
  }
  if (args.serve) {
    sandbox.host.startTimers();
    say(
      `Serving on ${sandbox.host.url}; backups run on "${config.schedule.expression}". ` +
        `Ctrl-C stops.`,
    );
    await new Promise<never>(() => undefined);
  }
  return exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ConfigurationError
        ? `Configuration error:\n${error.message}`
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`hsm-backup sandbox failed: ${message}\n`);
    process.exit(1);
  },
);
