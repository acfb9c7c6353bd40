import { EventType, HistoryEvent, LocalHost } from '../../local/host';
import { request, startFixtureHost, TestHost } from './helpers';

describe('orchestrations run through the durable-functions replay engine', () => {
  let started: TestHost;
  let host: LocalHost;

  beforeAll(async () => {
    started = await startFixtureHost('durableApp');
    host = started.host;
  });
  afterAll(() => host.stop());

  async function run(name: string, id: string, input?: unknown) {
    const response = await request(`${host.url}/api/orchestrators/${name}/${id}`, {
      method: 'POST',
      body: input,
    });
    expect(response.status).toBe(202);
    return host.waitForInstance(id, { timeoutMs: 5000 });
  }

  it('calls activities in sequence and records each step in history', async () => {
    const done = await run('sequence', 'seq-1', 'world');
    expect(done.runtimeStatus).toBe('Completed');
    expect(done.output).toEqual(['Hello world', 'Hello world again']);
    const types = done.history.map((e) => EventType[e.EventType]);
    expect(types).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted',
      'TaskScheduled',
      'OrchestratorCompleted',
      'OrchestratorStarted',
      'TaskCompleted',
      'TaskScheduled',
      'OrchestratorCompleted',
      'OrchestratorStarted',
      'TaskCompleted',
      'ExecutionCompleted',
      'OrchestratorCompleted',
    ]);
    expect(done.history.filter((e) => e.EventType === EventType.TaskScheduled)).toEqual([
      expect.objectContaining({ EventId: 0, Name: 'hello' }),
      expect.objectContaining({ EventId: 1, Name: 'hello' }),
    ]);
  });

  it('runs activities in parallel with Task.all', async () => {
    const done = await run('fanOut', 'fan-1', ['a', 'b', 'c']);
    expect(done.output).toEqual(['Hello a', 'Hello b', 'Hello c']);
    const scheduled = done.history.filter((e) => e.EventType === EventType.TaskScheduled);
    expect(scheduled.map((e) => e.EventId)).toEqual([0, 1, 2]);
  });

  it('hands activities their inputs unchanged, strings included', async () => {
    const done = await run('inputs', 'inputs-1', ['text', '123', 5, { a: 1 }, null]);
    expect(done.output).toEqual([
      { input: 'text', type: 'string' },
      { input: '123', type: 'string' },
      { input: 5, type: 'number' },
      { input: { a: 1 }, type: 'object' },
      { input: null, type: 'object' },
    ]);
  });

  it('lets the orchestrator catch an activity failure', async () => {
    const done = await run('catcher', 'catch-1');
    expect(done.runtimeStatus).toBe('Completed');
    expect((done.output as { caught: string }).caught).toMatch(
      /^Activity function 'explode' failed: kaboom/,
    );
    const failed = done.history.find((e) => e.EventType === EventType.TaskFailed);
    expect(failed).toMatchObject({
      TaskScheduledId: 0,
      Reason: "Activity function 'explode' failed: kaboom",
    });
  });

  it('fails the instance when nobody catches the failure', async () => {
    const done = await run('uncaught', 'uncaught-1');
    expect(done.runtimeStatus).toBe('Failed');
    expect(done.output).toMatch(
      /^Orchestrator function 'uncaught' failed: Activity function 'explode' failed/,
    );
  });

  it('retries an activity with backoff timers until it succeeds', async () => {
    const done = await run('retrier', 'retry-ok', { failures: 2, attempts: 3 });
    expect(done.output).toBe('succeeded on attempt 3');
    const summary = done.history
      .filter((e) =>
        [EventType.TaskScheduled, EventType.TaskFailed, EventType.TimerCreated].includes(
          e.EventType,
        ),
      )
      .map((e) => `${EventType[e.EventType]}:${e.EventId >= 0 ? e.EventId : e.TaskScheduledId}`);
    expect(summary).toEqual([
      'TaskScheduled:0',
      'TaskFailed:0',
      'TimerCreated:1',
      'TaskScheduled:2',
      'TaskFailed:2',
      'TimerCreated:3',
      'TaskScheduled:4',
    ]);
    // First retry after 20 ms, then doubled by the backoff coefficient.
    expect(retryDelays(done.history)).toEqual([20, 40]);
  });

  it('gives up after the last attempt and surfaces the last failure', async () => {
    const done = await run('retrier', 'retry-give-up', { failures: 5, attempts: 2 });
    expect((done.output as { gaveUp: string }).gaveUp).toMatch(/attempt 2 failed/);
    expect(done.history.filter((e) => e.EventType === EventType.TaskScheduled)).toHaveLength(2);
  });

  it(
    'runs sub-orchestrations with generated ' + 'and chosen instance ids, failures included',
    async () => {
      const done = await run('parent', 'parent-1');
      expect(done.output).toMatchObject({
        generated: ['Hello child', 'Hello child again'],
        named: ['Hello named child', 'Hello named child again'],
        failure: expect.stringMatching(/^Orchestrator function 'uncaught' failed/),
      });
      const created = done.history.filter(
        (e) => e.EventType === EventType.SubOrchestrationInstanceCreated,
      );
      const executionId = (done.history[1].OrchestrationInstance as { ExecutionId: string })
        .ExecutionId;
      expect(created.map((e) => e.InstanceId)).toEqual([
        `${executionId}:0`,
        'parent-1-child',
        `${executionId}:2`,
      ]);
      expect(host.getInstance('parent-1-child')).toMatchObject({
        runtimeStatus: 'Completed',
        parentInstanceId: 'parent-1',
      });
    },
  );

  it('retries a failed sub-orchestration as a new child instance', async () => {
    const done = await run('subRetrier', 'sub-retry');
    expect(done.output).toBe('succeeded on attempt 2');
    const summary = done.history
      .filter((e) => e.EventId >= 0 || e.EventType === EventType.SubOrchestrationInstanceFailed)
      .map((e) => `${EventType[e.EventType]}:${e.EventId >= 0 ? e.EventId : e.TaskScheduledId}`);
    expect(summary).toEqual([
      'SubOrchestrationInstanceCreated:0',
      'SubOrchestrationInstanceFailed:0',
      'TimerCreated:1',
      'SubOrchestrationInstanceCreated:2',
      'ExecutionCompleted:3',
    ]);
  });

  it('fails an orchestration that calls an activity the app does not register', async () => {
    const done = await run('typo', 'typo-1');
    expect(done.runtimeStatus).toBe('Failed');
    expect(done.output).toBe(
      "Orchestrator function 'typo' failed: The function 'helo' doesn't exist, is " +
        'disabled, or is not an activity function.',
    );
  });

  it('waits for an external event and reports custom status', async () => {
    await request(`${host.url}/api/orchestrators/approval/approval-1`, { body: {} });
    await host.whenIdle();
    expect(host.getInstance('approval-1')).toMatchObject({
      runtimeStatus: 'Running',
      customStatus: { stage: 'waiting' },
    });
    const raised = await request(`${host.url}/api/ops/raiseEvent`, {
      body: { id: 'approval-1', eventName: 'decision', eventData: { approved: true } },
    });
    expect(raised.status).toBe(202);
    const done = await host.waitForInstance('approval-1');
    expect(done).toMatchObject({ output: { approved: true }, customStatus: { stage: 'decided' } });
  });

  it('continues as new with a fresh history', async () => {
    const done = await run('counter', 'counter-1', 0);
    expect(done.output).toBe('finished at 2');
    expect(done.input).toBe(2);
    expect(done.history.filter((e) => e.EventType === EventType.ExecutionStarted)).toHaveLength(1);
  });

  it('gives the engine the complete history on every turn', async () => {
    const done = await run('historyProbe', 'probe-1');
    expect(done.output).toBe('probed');
    const turns = started.logs
      .filter((r) => r.instanceId === 'probe-1' && r.message.startsWith('history '))
      .map((r) => JSON.parse(r.message.slice('history '.length)) as [number, number, boolean][]);
    expect(turns.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < turns.length; i++) {
      const previous = turns[i - 1].map(([type, id]) => [type, id]);
      // Each turn sees all of the previous turn's events, now marked as played, then new ones.
      expect(turns[i].slice(0, previous.length).map(([type, id]) => [type, id])).toEqual(previous);
      expect(turns[i].slice(0, previous.length).every(([, , played]) => played)).toBe(true);
      expect(
        turns[i].slice(previous.length).some(([type]) => type === EventType.OrchestratorStarted),
      ).toBe(true);
    }
    const finalTurn = turns[turns.length - 1];
    const expectedBeforeLastTurn = done.history.slice(0, finalTurn.length);
    expect(finalTurn.map(([type, id]) => [type, id])).toEqual(
      expectedBeforeLastTurn.map((e) => [e.EventType, e.EventId]),
    );
  });
});

function retryDelays(history: HistoryEvent[]): number[] {
  return history
    .filter((e) => e.EventType === EventType.TimerCreated)
    .map((e) => Date.parse(String(e.FireAt)) - Date.parse(e.Timestamp));
}
