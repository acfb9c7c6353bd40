import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureReport } from '../../local/telemetrySink/captureSandboxRun';
import type { Envelope } from '../../local/telemetrySink/startTelemetrySink';
import { telemetryEvents } from '../../shared/telemetry/telemetryCatalog';
import { repoRoot } from '../support/appUnderTest';
import { bicepQueries, docsQueries, missingFromCapture, storedRows } from './kqlShape';
import {
  captureSandboxRun,
  loopbackNamespaceSupport,
  runInNamespace,
  type CapturedRun,
} from './loopbackNamespace';

/**
 * The sandbox with telemetry on, inside a loopback-only network namespace, sending to a local
 * HTTPS ingestion sink: what arrives, what never does, and what a dead sink costs a backup.
 */
const support = loopbackNamespaceSupport();
const inNamespace = support.ok ? describe : describe.skip;
const skipped = support.ok ? '' : ` (skipped: ${support.reason})`;
if (!support.ok) console.warn(`Telemetry namespace tests skipped: ${support.reason}`);

jest.setTimeout(300_000);

function eventsNamed(report: CaptureReport, name: string): Record<string, string>[] {
  return report.envelopes
    .filter((e) => e.data?.baseType === 'EventData' && e.data.baseData.name === name)
    .map((e) => e.data?.baseData.properties ?? {});
}

function metricValues(report: CaptureReport, name: string) {
  return report.envelopes
    .filter((e: Envelope) => e.data?.baseType === 'MetricData')
    .flatMap((e) =>
      (e.data?.baseData.metrics ?? [])
        .filter((m) => m.name === name)
        .map((m) => ({ ...m, dimensions: e.data?.baseData.properties ?? {} })),
    );
}

inNamespace(`a sandbox run with telemetry on${skipped}`, () => {
  let run: CapturedRun;
  let report: CaptureReport;

  beforeAll(async () => {
    run = await captureSandboxRun('full');
    if (!run.report) throw new Error(`the capture run failed (${run.code}):\n${run.stderr}`);
    report = run.report;
    console.info(
      `telemetry capture: ${report.envelopes.length} envelopes, cycles ` +
        `${report.cycles.map((c) => `${c.status} ${c.ms} ms`).join(', ')}, flush ` +
        `${report.flush.ms} ms, driver ${report.totalMs} ms, wall ${run.wallMs} ms`,
    );
  });

  it('succeeds, fails on the injected fault, is refused a restore, and goes on', () => {
    expect(run.code).toBe(0);
    expect(report.telemetryActive).toBe(true);
    // Then: a job the HSM forgets (unknown outcome), two key restores, the second one failed.
    expect(report.cycles.map((c) => c.status)).toEqual(['Succeeded', 'Failed', 'Unknown']);
    expect(report.restores.map((r) => r.status)).toEqual([409, 202, 202, 202]);
  });

  it('sends each outcome as its event, once, with the ids of the run', () => {
    const [success] = report.cycles;
    const counts = Object.fromEntries(
      Object.keys(telemetryEvents).map((name) => [name, eventsNamed(report, name).length]),
    );
    expect(counts).toEqual({
      BackupStarted: 3,
      BackupSucceeded: 1,
      BackupFailed: 1,
      BackupTimedOut: 1,
      BackupSkipped: 1,
      PruneCompleted: 1,
      RestoreRequested: 3,
      RestoreRefused: 1,
      RestoreSucceeded: 1,
      RestoreFailed: 1,
      BackupStale: 1,
    });
    const [succeeded] = eventsNamed(report, 'BackupSucceeded');
    expect(succeeded).toMatchObject({
      hsm: 'contoso',
      folder: success.folder,
      instanceId: 'backup-contoso',
      trigger: 'schedule',
      status: 'Succeeded',
      consecutiveFailures: '0',
    });
    expect(succeeded.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(succeeded.durationMs)).toBeGreaterThan(0);
    expect(Number(succeeded.blobCount)).toBeGreaterThan(1);
    expect(Number(succeeded.byteCount)).toBeGreaterThan(1000);
    const started = eventsNamed(report, 'BackupStarted').map((e) => e.jobId);
    expect(started[0]).toBe(succeeded.jobId);

    const [failed] = eventsNamed(report, 'BackupFailed');
    expect(failed).toMatchObject({
      hsm: 'contoso',
      status: 'Failed',
      failureCode: 'JobFailed',
      consecutiveFailures: '1',
      jobId: started[1],
    });
    expect(failed.statusDetails).toBeTruthy();
    expect(failed.folder).toBeUndefined();

    const [unknown] = eventsNamed(report, 'BackupTimedOut');
    expect(unknown).toMatchObject({
      status: 'Unknown',
      failureCode: 'JobForgotten',
      consecutiveFailures: '2',
      jobId: started[2],
    });
    const [skipped] = eventsNamed(report, 'BackupSkipped');
    expect(skipped).toMatchObject({
      hsm: 'contoso',
      trigger: 'schedule',
      instanceId: 'backup-contoso',
    });
    expect(skipped.attemptId).toBe(unknown.attemptId);
    expect(skipped.statusDetails).toMatch(/still (Running|Pending)/);
  });

  it("reports the refused restore with the guard's reason and who asked", () => {
    const [refused] = eventsNamed(report, 'RestoreRefused');
    expect(refused).toMatchObject({
      hsm: 'contoso',
      code: 'BackupTooOld',
      httpStatus: '409',
      endpoint: 'restoreRequest',
      requestedBy: 'alice@contoso.example',
    });
    expect(refused.statusDetails).toMatch(/backupFirst/);
    const [requested] = eventsNamed(report, 'RestoreRequested');
    expect(requested).toMatchObject({
      dryRun: 'true',
      kind: 'full',
      requestedBy: 'alice@contoso.example',
    });
    expect(eventsNamed(report, 'PruneCompleted')[0]).toMatchObject({
      foldersDeleted: '0',
      foldersKept: '1',
    });
    expect(eventsNamed(report, 'BackupStale')[0]).toMatchObject({
      thresholdHours: '12',
      folder: report.cycles[0].folder,
    });
  });

  it('reports restore outcomes with the key, the job and who asked', () => {
    const [succeeded] = eventsNamed(report, 'RestoreSucceeded');
    expect(succeeded).toMatchObject({
      kind: 'key',
      keyName: 'payments-signing',
      folder: report.cycles[0].folder,
      requestedBy: 'alice@contoso.example',
    });
    expect(succeeded.jobId).toMatch(/^[0-9a-f]{32}$/);
    const [failed] = eventsNamed(report, 'RestoreFailed');
    expect(failed).toMatchObject({ kind: 'key', keyName: 'tokenization', status: 'Failed' });
    expect(failed.statusDetails).toMatch(/failed/);
    const requested = eventsNamed(report, 'RestoreRequested').map((e) => e.instanceId);
    expect([succeeded.instanceId, failed.instanceId]).toEqual(requested.slice(1));
  });

  it('sends the duration, the failure streak, the freshness and the newest folder size', () => {
    const durations = metricValues(report, 'BackupDurationSeconds');
    expect(durations.reduce((n, m) => n + (m.count ?? 1), 0)).toBe(3);
    expect(durations.map((m) => m.dimensions.status).sort()).toEqual([
      'Failed',
      'Succeeded',
      'Unknown',
    ]);
    const streak = metricValues(report, 'ConsecutiveFailedBackups').map((m) => m.value);
    expect(streak[streak.length - 1]).toBe(2);
    const ages = metricValues(report, 'LastSuccessfulBackupAgeHours').map((m) => m.value);
    // The freshness check runs two simulated nights after the only success.
    expect(ages[ages.length - 1]).toBeGreaterThanOrEqual(48);
    expect(ages[ages.length - 1]).toBeLessThan(49);
    const [succeeded] = eventsNamed(report, 'BackupSucceeded');
    expect(metricValues(report, 'NewestBackupBlobCount')[0].value).toBe(
      Number(succeeded.blobCount),
    );
    expect(metricValues(report, 'NewestBackupBytes')[0].value).toBe(Number(succeeded.byteCount));
    for (const metric of metricValues(report, 'NewestBackupBytes')) {
      expect(metric.dimensions).toEqual({ hsm: 'contoso' });
    }
  });

  it('records outgoing calls as dependencies, with no query string on any URL', () => {
    const dependencies = report.envelopes.filter(
      (e) => e.data?.baseType === 'RemoteDependencyData',
    );
    expect(dependencies.length).toBeGreaterThan(10);
    const urls = dependencies.map((e) => String(e.data?.baseData.data ?? ''));
    // The emulated HSM writes the backup blobs through the SAS: those calls are among them.
    expect(urls.some((url) => /\/mhsm-contoso-\d+\/.+/.test(url))).toBe(true);
    expect(urls.filter((url) => /[?#]/.test(url))).toEqual([]);
  });

  it('leaves no SAS signature, account key or connection string in any byte received', () => {
    const bytes = report.rawRequests
      .flatMap((r) => [Buffer.from(r.decoded, 'base64'), Buffer.from(r.received, 'base64')])
      .map((b) => b.toString('latin1'))
      .join('\n');
    expect(bytes.length).toBeGreaterThan(10_000);
    const key = report.secretsToLookFor.accountKey;
    expect(key.length).toBeGreaterThan(20);
    for (const secret of [
      /sig=/i,
      /[?&]se=\d{4}/,
      /sp=rcwd/,
      /sp=rl/,
      /AccountKey/i,
      /IngestionEndpoint=/,
    ]) {
      expect(bytes).not.toMatch(secret);
    }
    expect(bytes).not.toContain(key);
    expect(bytes).not.toContain(key.slice(0, 20));
    expect(bytes).not.toContain(encodeURIComponent(key).slice(0, 20));
  });

  it('reaches nothing but the ingestion endpoint: no live metrics, no statistics', () => {
    expect(report.unexpected).toEqual([]);
    expect(new Set(report.rawRequests.map((r) => r.path))).toEqual(new Set(['/v2.1/track']));
  });

  it('fits every query in docs/monitoring.md and infra/monitoring.bicep to what was sent', () => {
    const rows = storedRows(report.envelopes);
    const queries = [...docsQueries(), ...bicepQueries().map((q) => q.query)];
    const misfits = queries
      .map((query) => ({
        query: query.split('\n').slice(0, 3).join(' '),
        missing: missingFromCapture(query, rows),
      }))
      .filter((q) => q.missing.length > 0);
    expect(misfits).toEqual([]);
  });
});

inNamespace(`a sandbox run with the ingestion sink down${skipped}`, () => {
  it('still backs up, and the bounded flush is all telemetry adds to the run', async () => {
    const run = await captureSandboxRun('sink-down');
    if (!run.report) throw new Error(`the capture run failed (${run.code}):\n${run.stderr}`);
    const { report } = run;
    expect(report.telemetryActive).toBe(true);
    expect(report.cycles.map((c) => c.status)).toEqual(['Succeeded']);
    expect(report.envelopes).toEqual([]);
    // A benchmark figure, not an assertion on time: what the dead sink cost this run.
    console.info(
      `sink down: cycle ${report.cycles[0].ms} ms, flush ${report.flush.ms} ms ` +
        `(${report.flush.completed ? 'finished' : 'gave up at its bound'}), driver ` +
        `${report.totalMs} ms`,
    );
  });

  it('lets `npm run local` exit 0 with its cycle succeeded', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'hsm-backup-sink-down-'));
    try {
      const main = join(repoRoot, 'dist', 'local', 'sandbox', 'main.js');
      const run = await runInNamespace(
        ['node', main, '--ports', 'auto', '--cycles', '1', '--json'],
        {
          // Nothing listens anywhere in a fresh namespace: every send is refused at once.
          APPLICATIONINSIGHTS_CONNECTION_STRING:
            'InstrumentationKey=00000000-0000-4000-8000-000000000000;' +
            'IngestionEndpoint=https://127.0.0.1:9/;LiveEndpoint=https://127.0.0.1:9/',
          // What the exporter keeps for a later retry lands here, and goes with it.
          TMPDIR: workDir,
        },
      );
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
        code: 0,
        stderr: '',
      });
      const summary = JSON.parse(run.stdout) as { backups: { status: string }[] };
      expect(summary.backups.map((b) => b.status)).toEqual(['Succeeded']);
      console.info(`sink down: npm run local -- --cycles 1 took ${run.wallMs} ms in all`);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});

describe('the sandbox outside a loopback-only namespace', () => {
  it('refuses to start an exporter pointed anywhere but loopback', async () => {
    const { sandboxTelemetryRefusal } = await import('../../local/telemetrySink/loopbackOnly');
    const env = {
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://' +
        'example.invalid/',
    };
    expect(sandboxTelemetryRefusal(env)).toMatch(/loopback endpoints only/);
    expect(sandboxTelemetryRefusal({})).toBeUndefined();
  });
});
