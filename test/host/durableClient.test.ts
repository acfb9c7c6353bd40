import { LocalHost } from '../../local/host';
import { request, startFixtureHost, TestHost } from './helpers';

describe('DurableClient from client functions, against the durable webhook API', () => {
  let started: TestHost;
  let host: LocalHost;
  const op = (operation: string, body: unknown) =>
    request(`${host.url}/api/ops/${operation}`, { body });
  const start = (name: string, id: string, input: unknown = {}) =>
    request(`${host.url}/api/orchestrators/${name}/${id}`, { body: input });

  beforeAll(async () => {
    started = await startFixtureHost('durableApp', { masterKey: 'system-key' });
    host = started.host;
  });
  afterAll(() => host.stop());

  it(
    'starts an instance and answers with the ' + 'check-status links on the caller origin',
    async () => {
      const response = await start('sequence', 'client-seq', 'client');
      expect(response.status).toBe(202);
      const base = `${host.url}/runtime/webhooks/durabletask/instances/client-seq`;
      const query = 'taskHub=FixtureHub&connection=Storage&code=system-key';
      expect(response.body).toMatchObject({
        id: 'client-seq',
        statusQueryGetUri: `${base}?${query}`,
        sendEventPostUri: `${base}/raiseEvent/{eventName}?${query}`,
        terminatePostUri: `${base}/terminate?reason={text}&${query}`,
        purgeHistoryDeleteUri: `${base}?${query}`,
      });
      expect(response.headers.get('location')).toBe(`${base}?${query}`);
      await host.waitForInstance('client-seq');
    },
  );

  it('refuses to start a duplicate of a running instance with 409', async () => {
    expect((await start('approval', 'client-dup')).status).toBe(202);
    const duplicate = await start('approval', 'client-dup');
    expect(duplicate.status).toBe(500);
    expect((duplicate.body as { error: string }).error).toMatch(
      new RegExp(
        'unexpected status code: 409.*' +
          'An Orchestration instance with the status (Pending|Running) already exists',
      ),
    );
  });

  it('replaces a finished instance started again with the same id', async () => {
    await start('sequence', 'client-again', 'first');
    await host.waitForInstance('client-again');
    expect((await start('sequence', 'client-again', 'second')).status).toBe(202);
    const done = await host.waitForInstance('client-again');
    expect(done.output).toEqual(['Hello second', 'Hello second again']);
  });

  it('reports status, with condensed history when asked', async () => {
    await start('sequence', 'client-status', 'status');
    await host.waitForInstance('client-status');
    const plain = await op('status', { id: 'client-status' });
    expect(plain.body).toMatchObject({
      name: 'sequence',
      instanceId: 'client-status',
      runtimeStatus: 'Completed',
      input: 'status',
      output: ['Hello status', 'Hello status again'],
    });
    const raw = await request(
      `${host.url}/runtime/webhooks/durabletask/instances/client-status?showHistory=true&` +
        `showHistoryOutput=true`,
    );
    expect(raw.status).toBe(200);
    const events = (raw.body as { historyEvents: Record<string, unknown>[] }).historyEvents;
    expect(events.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(events[1]).toMatchObject({ FunctionName: 'hello', Result: 'Hello status' });
    expect(events[3]).toMatchObject({ OrchestrationStatus: 'Completed' });
  });

  it('answers 202 while running and 404 for an unknown instance', async () => {
    await start('approval', 'client-running');
    const running = await request(
      `${host.url}/runtime/webhooks/durabletask/instances/client-running`,
    );
    expect(running.status).toBe(202);
    const missing = await op('status', { id: 'no-such-instance' });
    expect((missing.body as { error: string }).error).toMatch(/replied with HTTP 404/);
  });

  it('lists instances, filtered by status and paged with continuation tokens', async () => {
    const all = (await op('statusAll', {})).body as { instanceId: string }[];
    expect(all.map((s) => s.instanceId)).toEqual(
      expect.arrayContaining(['client-seq', 'client-running']),
    );
    const running = (await op('statusBy', { runtimeStatus: ['Running'] })).body as {
      runtimeStatus: string;
    }[];
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((s) => s.runtimeStatus === 'Running')).toBe(true);
    const future = (await op('statusBy', { createdTimeFrom: '2100-01-01T00:00:00Z' })).body;
    expect(future).toEqual([]);

    const listUrl = `${host.url}/runtime/webhooks/durabletask/instances/?top=2`;
    const firstPage = await request(listUrl);
    expect(firstPage.body).toHaveLength(2);
    const token = firstPage.headers.get('x-ms-continuation-token');
    expect(token).toBeTruthy();
    const secondPage = await request(listUrl, {
      headers: { 'x-ms-continuation-token': token as string },
    });
    const ids = [
      ...(firstPage.body as { instanceId: string }[]),
      ...(secondPage.body as { instanceId: string }[]),
    ];
    expect(new Set(ids.map((s) => s.instanceId)).size).toBe(ids.length);
  });

  it('terminates a running instance, then answers a second terminate as gone', async () => {
    await start('approval', 'client-terminate');
    expect((await op('terminate', { id: 'client-terminate', reason: 'not needed' })).status).toBe(
      202,
    );
    expect(host.getInstance('client-terminate')).toMatchObject({
      runtimeStatus: 'Terminated',
      output: 'not needed',
    });
    const again = await request(
      `${host.url}/runtime/webhooks/durabletask/instances/client-terminate/terminate?reason=again`,
      { method: 'POST' },
    );
    expect(again.status).toBe(410);
    expect((await op('terminate', { id: 'nobody', reason: 'x' })).body).toEqual({
      error: "No instance with ID 'nobody' found.",
    });
  });

  it('purges one finished instance, refuses a running one, and purges by filter', async () => {
    await start('sequence', 'client-purge', 'purge');
    await host.waitForInstance('client-purge');
    expect((await op('purge', { id: 'client-purge' })).body).toEqual({ instancesDeleted: 1 });
    expect(host.getInstance('client-purge')).toBeUndefined();
    expect((await op('purge', { id: 'client-purge' })).body).toEqual({ instancesDeleted: 0 });

    const runningPurge = await request(
      `${host.url}/runtime/webhooks/durabletask/instances/client-running`,
      {
        method: 'DELETE',
      },
    );
    expect(runningPurge.status).toBe(412);

    const byFilter = await op('purgeBy', {
      createdTimeFrom: '2000-01-01T00:00:00Z',
      runtimeStatus: ['Terminated'],
    });
    expect((byFilter.body as { instancesDeleted: number }).instancesDeleted).toBeGreaterThanOrEqual(
      1,
    );
    expect(host.getInstance('client-terminate')).toBeUndefined();
    expect(host.getInstance('client-running')?.runtimeStatus).toBe('Running');
  });

  it('starts an orchestration from a timer trigger through its client binding', async () => {
    await host.invokeTimer('nightlyStarter');
    const done = await host.waitForInstance('nightly');
    expect(done.output).toEqual(['Hello from the timer', 'Hello from the timer again']);
  });

  it(
    'answers 400 for an unknown orchestrator ' + 'and 501 for operations it does not serve',
    async () => {
      const base = `${host.url}/runtime/webhooks/durabletask`;
      expect((await request(`${base}/orchestrators/noSuchThing`, { method: 'POST' })).status).toBe(
        400,
      );
      expect(
        (await request(`${base}/instances/client-running/suspend`, { method: 'POST' })).status,
      ).toBe(501);
      expect((await request(`${base}/entities/counter/one`)).status).toBe(501);
    },
  );
});
