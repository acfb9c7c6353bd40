import type { BackupRecord } from '../../shared/ledger/BackupRecord';
import type { Logger } from '../../shared/log/Logger';
import { assessFreshness, defaultMaxBackupAgeMs } from '../../shared/telemetry/backupFreshness';
import {
  backupDurationMs,
  backupOutcomeDimensions,
  countConsecutiveFailures,
  outcomeEventName,
  triggerOfAttempt,
} from '../../shared/telemetry/backupTelemetry';
import {
  emitEvent,
  flushTelemetry,
  recordMetric,
  silentChannel,
  useTelemetryChannel,
  type TelemetryChannel,
} from '../../shared/telemetry/telemetry';
import { parseNcrontab } from '../../shared/schedule/ncrontab';

const hour = 3_600_000;

/** A channel that keeps what it is given, the way a test fake should. */
function recordingChannel(overrides: Partial<TelemetryChannel> = {}) {
  const events: { name: string; properties: Record<string, string> }[] = [];
  const metrics: { name: string; value: number; attributes: Record<string, string> }[] = [];
  const channel: TelemetryChannel = {
    event: (name, properties) => events.push({ name, properties: { ...properties } }),
    metric: (name, value, attributes) =>
      metrics.push({ name, value, attributes: { ...attributes } }),
    flush: () => Promise.resolve(),
    ...overrides,
  };
  return { channel, events, metrics };
}

function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const log: Logger = {
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  return { log, lines };
}

function record(
  status: BackupRecord['status'],
  overrides: Partial<BackupRecord> = {},
): BackupRecord {
  return {
    hsmName: 'contoso',
    attemptId: '8203563999999_schedule',
    trigger: 'schedule',
    occurrence: new Date('2026-12-05T02:00:00Z'),
    instanceId: 'backup-contoso',
    status,
    createdAt: new Date('2026-12-05T02:00:00Z'),
    ...overrides,
  };
}

afterEach(() => useTelemetryChannel(silentChannel));

describe('emitting an event', () => {
  it(
    'sends the redacted dimensions and logs one ' + 'line with the same ids, at the event level',
    () => {
      const { channel, events } = recordingChannel();
      const { log, lines } = recordingLogger();
      useTelemetryChannel(channel);
      emitEvent(log, 'BackupFailed', {
        hsm: 'contoso',
        jobId: 'abc123',
        consecutiveFailures: 2,
        keyName: undefined,
        statusDetails: 'storage said 403 for https://a.blob.core.windows.net/c?sv=1&sig=secret',
      } as never);
      expect(events).toEqual([
        {
          name: 'BackupFailed',
          properties: {
            hsm: 'contoso',
            jobId: 'abc123',
            consecutiveFailures: '2',
            statusDetails: 'storage said 403 for https://a.blob.core.windows.net/c',
          },
        },
      ]);
      expect(lines).toEqual([
        {
          level: 'error',
          message:
            'BackupFailed hsm=contoso jobId=abc123 consecutiveFailures=2 ' +
            'statusDetails="storage said 403 for https://a.blob.core.windows.net/c"',
        },
      ]);
    },
  );

  it('never throws, whatever the channel does', () => {
    useTelemetryChannel(
      recordingChannel({
        event: () => {
          throw new Error('exporter broke');
        },
        metric: () => {
          throw new Error('exporter broke');
        },
      }).channel,
    );
    expect(() => emitEvent(undefined, 'BackupStarted', { hsm: 'contoso' })).not.toThrow();
    expect(() => recordMetric('BackupDurationSeconds', 1, { hsm: 'contoso' })).not.toThrow();
  });

  it('drops metric values that are not numbers', () => {
    const { channel, metrics } = recordingChannel();
    useTelemetryChannel(channel);
    recordMetric('NewestBackupBytes', Number.NaN, { hsm: 'contoso' });
    recordMetric('NewestBackupBytes', 12, { hsm: 'contoso' });
    expect(metrics.map((m) => m.value)).toEqual([12]);
  });
});

describe('flushing', () => {
  it('gives up at its bound when the exporter hangs, and never rejects', async () => {
    useTelemetryChannel(recordingChannel({ flush: () => new Promise(() => undefined) }).channel);
    const started = Date.now();
    await expect(flushTelemetry(100)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it(
    'reports a flush that failed as finished: ' + 'the exporter keeps what it could not send',
    async () => {
      useTelemetryChannel(
        recordingChannel({ flush: () => Promise.reject(new Error('down')) }).channel,
      );
      await expect(flushTelemetry(1000)).resolves.toBe(true);
    },
  );
});

describe('backup outcomes', () => {
  it.each([
    ['Succeeded', 'BackupSucceeded'],
    ['Failed', 'BackupFailed'],
    ['Unknown', 'BackupTimedOut'],
  ] as const)('reports %s as %s', (status, event) => {
    expect(outcomeEventName(status)).toBe(event);
  });

  it.each([
    ['no attempts', [], 0],
    ['a success first', ['Succeeded', 'Failed'], 0],
    ['two failures before a success', ['Failed', 'Unknown', 'Succeeded', 'Failed'], 2],
    ['a running attempt does not count', ['InProgress', 'Failed', 'Succeeded'], 1],
    ['failures all the way back', ['Failed', 'Failed', 'Failed'], 3],
  ] as const)('counts consecutive failures with %s', (_, statuses, expected) => {
    expect(countConsecutiveFailures(statuses.map((s) => record(s)))).toBe(expected);
  });

  it("measures a backup by the HSM's own start and end, else from registration", () => {
    const timed = record('Succeeded', {
      startTime: new Date('2026-12-05T02:00:01Z'),
      endTime: new Date('2026-12-05T02:03:01Z'),
    });
    expect(backupDurationMs(timed, new Date('2026-12-05T03:00:00Z'))).toBe(180_000);
    expect(backupDurationMs(record('Failed'), new Date('2026-12-05T02:00:30Z'))).toBe(30_000);
  });

  it('puts the folder and its size on a success only, the reason on a failure only', () => {
    const at = new Date('2026-12-05T02:10:00Z');
    const success = backupOutcomeDimensions(
      record('Succeeded', { folder: 'mhsm-contoso-1', blobCount: 5, byteCount: 10, jobId: 'j' }),
      at,
      0,
    );
    expect(success).toMatchObject({ folder: 'mhsm-contoso-1', blobCount: 5, byteCount: 10 });
    expect(success.statusDetails).toBeUndefined();
    const failure = backupOutcomeDimensions(
      record('Failed', { failureCode: 'HsmBusy', failureReason: 'busy', folder: 'x' }),
      at,
      3,
    );
    expect(failure).toMatchObject({ failureCode: 'HsmBusy', statusDetails: 'busy' });
    expect(failure.folder).toBeUndefined();
  });

  it('reads the trigger off the attempt id', () => {
    expect(triggerOfAttempt('8203563999999_manual')).toBe('manual');
    expect(triggerOfAttempt('garbage')).toBeUndefined();
  });
});

describe('freshness', () => {
  it.each([
    ['nightly (the default schedule)', '0 0 2 * * *', 49],
    ['hourly', '0 0 * * * *', 3],
    ['weekdays at 02:00 (the weekend is the longest gap)', '0 0 2 * * 1-5', 145],
  ])('defaults the threshold to twice the interval plus an hour: %s', (_, expression, hours) => {
    const from = new Date('2026-12-02T12:00:00Z');
    expect(defaultMaxBackupAgeMs(parseNcrontab(expression), from)).toBe(hours * hour);
  });

  const latest = {
    attemptId: 'a',
    folder: 'mhsm-contoso-2026120502000005',
    endTime: new Date('2026-12-05T02:00:00Z'),
  };

  it('is stale when the newest success is older than the threshold', () => {
    const verdict = assessFreshness(latest, new Date('2026-12-07T03:00:01Z'), 49 * hour);
    expect(verdict).toMatchObject({ stale: true, ageHours: 49, thresholdHours: 49 });
    expect(verdict.statusDetails).toMatch(/mhsm-contoso-2026120502000005/);
  });

  it('is not stale at exactly the threshold', () => {
    expect(assessFreshness(latest, new Date('2026-12-07T03:00:00Z'), 49 * hour).stale).toBe(false);
  });

  it('is stale, with no age, when no backup ever succeeded', () => {
    const verdict = assessFreshness(undefined, new Date(), 49 * hour);
    expect(verdict.stale).toBe(true);
    expect(verdict.ageHours).toBeUndefined();
    expect(verdict.statusDetails).toMatch(/no successful backup/);
  });
});
