import { readFileSync, writeFileSync } from 'node:fs';
import { useClock } from '../../shared/app/clock';
import { appServices } from '../../shared/app/appServices';
import { backupInstanceId, type BackupCycleResult } from '../../shared/backup/BackupCycle';
import { nextOccurrence } from '../../shared/schedule/ncrontab';
import { flushTelemetry, telemetryIsActive } from '../../shared/telemetry/telemetry';
import { runCycles, type CycleReport } from '../sandbox/runCycles';
import { startSandbox, type Sandbox } from '../sandbox/startSandbox';
import { sandboxTelemetryRefusal } from './loopbackOnly';
import { startTelemetrySink, type RunningTelemetrySink } from './startTelemetrySink';

/**
 * Runs the sandbox with telemetry on, in this process, and writes what the local ingestion sink
 * received to a JSON file. Meant to run inside a loopback-only network namespace (it refuses to
 * run anywhere else), with NODE_EXTRA_CA_CERTS naming the sink's certificate:
 *
 *   unshare -n sh -c 'ip link set lo up && exec node captureSandboxRun.js \
 *     --scenario full|sink-down --cert cert.pem --key key.pem --out capture.json'
 *
 * `full`: a successful cycle, a cycle the emulator fails, a restore the guard refuses, a dry run,
 * a cycle whose job the HSM forgets (outcome unknown) with a duplicate timer firing (skipped), a
 * key restore that succeeds and one the emulator fails, and the hourly freshness check: every
 * event the app has. `sink-down`: one cycle with nothing listening where the connection string
 * points, timed.
 */
interface Options {
  readonly scenario: 'full' | 'sink-down';
  readonly certFile: string;
  readonly keyFile: string;
  readonly outFile: string;
}

export interface CaptureReport {
  readonly scenario: Options['scenario'];
  readonly telemetryActive: boolean;
  readonly cycles: readonly {
    status?: string;
    folder?: string;
    failureCode?: string;
    ms: number;
  }[];
  readonly restores: readonly { status: number; body: unknown }[];
  readonly flush: { readonly ms: number; readonly completed: boolean };
  readonly totalMs: number;
  readonly envelopes: RunningTelemetrySink['capture']['envelopes'];
  /** Every request body as received and decoded, base64, for scanning for secrets. */
  readonly rawRequests: readonly { path: string; received: string; decoded: string }[];
  readonly unexpected: readonly string[];
  readonly secretsToLookFor: { readonly accountKey: string };
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    if (index < 0 || !argv[index + 1]) throw new Error(`${flag} is required`);
    return argv[index + 1];
  };
  const scenario = value('--scenario');
  if (scenario !== 'full' && scenario !== 'sink-down') throw new Error('--scenario full|sink-down');
  return { scenario, certFile: value('--cert'), keyFile: value('--key'), outFile: value('--out') };
}

async function main(options: Options): Promise<void> {
  const started = Date.now();
  const certificate = {
    certPem: readFileSync(options.certFile, 'utf8'),
    keyPem: readFileSync(options.keyFile, 'utf8'),
  };
  const sink = await startTelemetrySink({ certificate });
  if (options.scenario === 'sink-down') await sink.stop(); // the port stays, nobody answers
  process.env.APPLICATIONINSIGHTS_CONNECTION_STRING = sink.connectionString;
  process.env.OTEL_SERVICE_NAME = 'hsm-backup-sandbox';
  const refused = sandboxTelemetryRefusal(process.env);
  if (refused) throw new Error(refused);
  // Hours in the sandbox pass in seconds: a threshold under a day makes the freshness warning due.
  process.env.ALERT_MAX_BACKUP_AGE_HOURS ??= '12';

  const sandbox = await startSandbox(
    { serve: false, json: true, autoPorts: true, verbose: false },
    (line) => process.stderr.write(`${line}\n`),
  );
  useClock(sandbox.clock.now);
  const cycles: CaptureReport['cycles'][number][] = [];
  const restores: CaptureReport['restores'][number][] = [];
  let flush = { ms: 0, completed: false };
  try {
    cycles.push(await oneCycle(sandbox));
    if (options.scenario === 'full') {
      sandbox.emulator?.setFaults(['fail-null-error']);
      cycles.push(await oneCycle(sandbox));
      sandbox.emulator?.setFaults([]);
      const folder = cycles[0].folder ?? '';
      // A day has passed since the only success: the guard refuses a full restore.
      restores.push(await callRestore(sandbox, { folder, confirm: 'contoso' }));
      const dryRun = await callRestore(sandbox, { folder, confirm: 'contoso', dryRun: true });
      restores.push(dryRun);
      await waitForRestore(sandbox, dryRun);
      sandbox.emulator?.setFaults(['poll-404']);
      cycles.push(await oneCycle(sandbox, { firedTwice: true }));
      sandbox.emulator?.setFaults([]);
      const keyRestore = { folder, confirm: 'contoso' };
      restores.push(await callRestore(sandbox, keyRestore, 'keys/payments-signing'));
      await waitForRestore(sandbox, restores[restores.length - 1]);
      sandbox.emulator?.setFaults(['fail-null-error']);
      restores.push(await callRestore(sandbox, keyRestore, 'keys/tokenization'));
      await waitForRestore(sandbox, restores[restores.length - 1]);
      sandbox.emulator?.setFaults([]);
      await sandbox.host.invokeTimer('freshnessTimer');
    }
    const flushStarted = Date.now();
    const completed = await flushTelemetry(5000);
    flush = { ms: Date.now() - flushStarted, completed };
    if (options.scenario === 'full') {
      // The metric reader and the batch processors may still be sending what the flush started.
      await sink.waitFor((e) => e.data?.baseType === 'EventData', 16, 10_000);
    }
  } finally {
    await sandbox.stop();
    await sink.stop();
  }
  const report: CaptureReport = {
    scenario: options.scenario,
    telemetryActive: telemetryIsActive(),
    cycles,
    restores,
    flush,
    totalMs: Date.now() - started,
    envelopes: sink.capture.envelopes,
    rawRequests: sink.capture.rawRequests.map((r) => ({
      path: r.path,
      received: r.received.toString('base64'),
      decoded: r.decoded.toString('base64'),
    })),
    unexpected: sink.capture.unexpected,
    secretsToLookFor: { accountKey: appServices().config.storage.accountKey ?? '' },
  };
  writeFileSync(options.outFile, JSON.stringify(report));
}

/** One backup cycle at the schedule's next occurrence; optionally the timer fires a second time. */
async function oneCycle(
  sandbox: Sandbox,
  options: { firedTwice?: boolean } = {},
): Promise<CaptureReport['cycles'][number]> {
  const { config } = appServices();
  const started = Date.now();
  const instanceId = backupInstanceId(config.hsm.name);
  let result: BackupCycleResult | undefined;
  if (options.firedTwice) {
    const next = nextOccurrence(config.schedule, new Date(sandbox.clock.now()));
    if (next) sandbox.clock.jumpTo(next);
    await sandbox.host.invokeTimer('backupTimer');
    await sandbox.host.invokeTimer('backupTimer');
    const instance = await sandbox.host.waitForInstance(instanceId, { timeoutMs: 120_000 });
    result = instance.output as BackupCycleResult | undefined;
  } else {
    const [report]: CycleReport[] = await runCycles(sandbox.host, sandbox.clock, {
      count: 1,
      schedule: config.schedule,
      hsmName: config.hsm.name,
      timeoutMs: 120_000,
      report: (line) => process.stderr.write(`${line}\n`),
    });
    result = report.result;
  }
  await sandbox.host.waitForInstance(instanceId, { timeoutMs: 10_000 });
  return {
    status: result?.status,
    folder: result?.folder,
    failureCode: result?.failureCode,
    ms: Date.now() - started,
  };
}

async function callRestore(
  sandbox: Sandbox,
  body: Record<string, unknown>,
  path = '',
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sandbox.host.url}/api/restore${path ? `/${path}` : ''}`, {
    method: 'POST',
    headers: {
      'x-functions-key': sandbox.functionKey,
      'content-type': 'application/json',
      'x-ms-client-principal-name': 'alice@contoso.example',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Waits for an accepted restore's orchestration to end. */
async function waitForRestore(sandbox: Sandbox, accepted: { body: unknown }): Promise<void> {
  const id = (accepted.body as { id?: string }).id;
  if (id) await sandbox.host.waitForInstance(id, { timeoutMs: 120_000 });
}

main(parseOptions(process.argv.slice(2))).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`captureSandboxRun failed: ${String(error)}\n`);
    process.exit(1);
  },
);
