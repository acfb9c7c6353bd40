import { EventType } from '../../local/host';
import { delay, manualClock, request, startFixtureHost, TestHost } from './helpers';

describe('durable timers on the host clock', () => {
  const clock = manualClock('2030-06-01T12:00:00Z');
  let started: TestHost;

  beforeAll(async () => {
    started = await startFixtureHost('durableApp', { clock: clock.now });
  });
  afterAll(() => started.host.stop());

  it(
    'fires a timer created at fake time T only ' + 'once the fake clock passes its due time',
    async () => {
      const { host } = started;
      await request(`${host.url}/api/orchestrators/sleeper/nap-1`, { body: { delayMs: 60_000 } });
      await host.whenIdle();
      await delay(80);
      expect(host.getInstance('nap-1')?.runtimeStatus).toBe('Running');
      const timer = host
        .getInstance('nap-1')
        ?.history.find((e) => e.EventType === EventType.TimerCreated);
      expect(timer?.FireAt).toBe('2030-06-01T12:01:00.000Z');

      clock.advance(59_000);
      await delay(80);
      expect(host.getInstance('nap-1')?.runtimeStatus).toBe('Running');

      clock.advance(2_000);
      const done = await host.waitForInstance('nap-1', { timeoutMs: 2000 });
      expect(done.output).toEqual({
        startedAt: '2030-06-01T12:00:00.000Z',
        wokeAt: '2030-06-01T12:01:01.000Z',
      });
      expect(done.createdTime.toISOString()).toBe('2030-06-01T12:00:00.000Z');
    },
  );

  it('splits a timer longer than six days into legs of three days, as Durable does', async () => {
    const { host } = started;
    const tenDays = 10 * 24 * 3600 * 1000;
    await request(`${host.url}/api/orchestrators/sleeper/long-nap`, { body: { delayMs: tenDays } });
    await host.whenIdle();
    for (
      let leg = 0;
      leg < 4 && host.getInstance('long-nap')?.runtimeStatus !== 'Completed';
      leg++
    ) {
      clock.advance(3 * 24 * 3600 * 1000);
      await delay(60);
      await host.whenIdle();
    }
    const done = await host.waitForInstance('long-nap', { timeoutMs: 1000 });
    const legs = done.history
      .filter((e) => e.EventType === EventType.TimerCreated)
      .map((e) => String(e.FireAt).slice(0, 10));
    expect(legs).toEqual(['2030-06-04', '2030-06-07', '2030-06-11']);
  });
});
