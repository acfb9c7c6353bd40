import { startLocalHost } from '../../local/host';
import { fixtureApp, manualClock, request, startFixtureHost, TestHost } from './helpers';

interface RecordedCall {
  functionName: string;
  timer: { schedule: unknown; scheduleStatus: Record<string, string>; isPastDue: boolean };
}

const calls = (): RecordedCall[] =>
  (globalThis as unknown as { timerFixtureCalls: RecordedCall[] }).timerFixtureCalls;

describe('timer triggers', () => {
  const clock = manualClock('2030-01-01T02:29:59Z');
  let started: TestHost;

  beforeAll(async () => {
    started = await startFixtureHost('basicApp', {
      clock: clock.now,
      runTimers: true,
      masterKey: 'master-key',
    });
  });
  afterAll(() => started.host.stop());
  beforeEach(() => calls().splice(0));

  it('runs a timer on demand with the timer object the Functions host sends', async () => {
    await started.host.invokeTimer('nightly', {
      scheduledTime: new Date('2030-01-01T02:30:00Z'),
      isPastDue: true,
    });
    expect(calls()).toEqual([
      {
        functionName: 'nightly',
        timer: {
          schedule: { adjustForDST: true },
          scheduleStatus: {
            last: '0001-01-01T00:00:00',
            next: '2030-01-02T02:30:00.000Z',
            lastUpdated: '2030-01-01T02:29:59.000Z',
          },
          isPastDue: true,
        },
      },
    ]);
  });

  it('fires a timer when the host clock reaches its next occurrence', async () => {
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls().filter((c) => c.functionName === 'nightly')).toHaveLength(0);
    clock.set('2030-01-01T02:30:00Z');
    await waitFor(() => calls().some((c) => c.functionName === 'nightly'));
    const fired = calls().find((c) => c.functionName === 'nightly');
    expect(fired?.timer.isPastDue).toBe(false);
    expect(fired?.timer.scheduleStatus.next).toBe('2030-01-02T02:30:00.000Z');
  });

  it('fires once, past due, when the clock jumps over several occurrences', async () => {
    clock.set('2030-01-01T03:17:00Z');
    await waitFor(() => calls().some((c) => c.functionName === 'everyFiveMinutes'));
    await started.host.whenIdle();
    const fired = calls().filter((c) => c.functionName === 'everyFiveMinutes');
    expect(fired).toHaveLength(1);
    expect(fired[0].timer.isPastDue).toBe(true);
  });

  it('runs a timer through the admin API with the master key', async () => {
    const url = `${started.host.url}/admin/functions/nightly`;
    expect((await request(url, { body: { input: '' } })).status).toBe(401);
    const response = await request(url, {
      body: { input: '' },
      headers: { 'x-functions-key': 'master-key' },
    });
    expect(response.status).toBe(202);
    await waitFor(() => calls().some((c) => c.functionName === 'nightly'));
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a timer schedule named by an app setting', () => {
  const appRoot = fixtureApp('settingScheduleApp');

  it('refuses to start while the setting is missing, naming it', async () => {
    await expect(startLocalHost({ appRoot, log: () => undefined })).rejects.toThrow(
      /names app setting 'FIXTURE_SCHEDULE', which is not set/,
    );
  });

  it('reads the schedule from the setting given in env', async () => {
    const host = await startLocalHost({
      appRoot,
      env: { FIXTURE_SCHEDULE: '0 0 */6 * * *' },
      log: () => undefined,
    });
    await host.stop();
    expect(host.functions).toContainEqual(
      expect.objectContaining({ name: 'scheduleFromSetting', schedule: '0 0 */6 * * *' }),
    );
  });
});
