import { request, startFixtureHost, TestHost } from './helpers';

describe('non-determinism detection', () => {
  let started: TestHost;

  beforeAll(async () => {
    started = await startFixtureHost('durableApp');
  });
  afterAll(() => started.host.stop());
  afterEach(() => jest.restoreAllMocks());

  it(
    'fails an orchestrator that picks a ' + 'different activity with Math.random on replay',
    async () => {
      jest.spyOn(Math, 'random').mockReturnValueOnce(0.1).mockReturnValueOnce(0.9);
      const { host } = started;
      await request(`${host.url}/api/orchestrators/coinFlip/flip-1`, { body: {} });
      const done = await host.waitForInstance('flip-1');
      const expected =
        "non-deterministic orchestrator: step 1 was CallActivity 'hello' in history, now " +
        "CallActivity 'echo'";
      expect(done.runtimeStatus).toBe('Failed');
      expect(done.output).toBe(`Orchestrator function 'coinFlip' failed: ${expected}`);
      expect(started.logs).toContainEqual(
        expect.objectContaining({
          level: 'error',
          instanceId: 'flip-1',
          message: expect.stringContaining(expected),
        }),
      );
      // The step after the flip was never scheduled: the failing turn changed nothing else.
      expect(host.getInstance('flip-1')?.history.filter((e) => e.EventType === 4)).toHaveLength(1);
    },
  );

  it('lets the same orchestrator complete when its choices repeat on replay', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.1);
    const { host } = started;
    await request(`${host.url}/api/orchestrators/coinFlip/flip-2`, { body: {} });
    const done = await host.waitForInstance('flip-2');
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 'hello' });
  });

  it(
    'fails an orchestrator whose timer is set ' + 'from Date.now instead of currentUtcDateTime',
    async () => {
      const { host } = started;
      await request(`${host.url}/api/orchestrators/wallClockTimer/clock-1`, { body: {} });
      const done = await host.waitForInstance('clock-1');
      expect(done.runtimeStatus).toBe('Failed');
      expect(done.output).toMatch(
        new RegExp(
          'non-deterministic orchestrator: step 1 was CreateTimer firing at \\S+ in history, ' +
            'now CreateTimer firing at \\S+$',
        ),
      );
    },
  );
});
