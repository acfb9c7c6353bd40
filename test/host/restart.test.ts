import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { delay, fixtureApp, request } from './helpers';

interface RunningHost {
  child: ChildProcess;
  url: string;
}

describe('a host killed in the middle of orchestrations', () => {
  const children: ChildProcess[] = [];
  let stateDir: string;
  let journal: string;

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-host-state-'));
    journal = path.join(stateDir, 'journal.txt');
    fs.writeFileSync(journal, '');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await stopChild(child, 'SIGKILL');
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  function launch(env: Record<string, string>): Promise<RunningHost> {
    const script = path.join(__dirname, 'fixtures', 'runHost.js');
    const child = spawn(process.execPath, [script, fixtureApp('restartApp'), stateDir], {
      env: { ...process.env, RESTART_JOURNAL: journal, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let output = '';
      let errors = '';
      child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
      });
      child.on('exit', (code) => reject(new Error(`host exited early (${code}): ${errors}`)));
    });
  }

  const journalLines = () => fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean);
  const count = (line: string) => journalLines().filter((l) => l === line).length;

  it('resumes each unfinished instance from the state directory after SIGKILL', async () => {
    const first = await launch({ HANG_ON: 'two' });
    const webhook = `${first.url}/runtime/webhooks/durabletask`;
    await request(`${webhook}/orchestrators/threeSteps/crash-a`, { method: 'POST' });
    await request(`${webhook}/orchestrators/timerThenStep/crash-b`, { body: { delayMs: 700 } });
    await waitFor(() => journalLines().includes('crash-a:two'));
    await waitFor(() => stateFile('crash-b').includes('"kind":"timer"'));

    await stopChild(first.child, 'SIGKILL');
    const second = await launch({});
    const statusOf = async (id: string) =>
      (await request(`${second.url}/runtime/webhooks/durabletask/instances/${id}`)).body as {
        runtimeStatus: string;
        output: unknown;
      };
    await waitFor(async () => (await statusOf('crash-a')).runtimeStatus === 'Completed', 8000);
    await waitFor(async () => (await statusOf('crash-b')).runtimeStatus === 'Completed', 8000);

    expect((await statusOf('crash-a')).output).toEqual([
      'crash-a:one done',
      'crash-a:two done',
      'crash-a:three done',
    ]);
    expect((await statusOf('crash-b')).output).toBe('crash-b:after-timer done');
    // Completed steps are not repeated; the one cut off by the kill runs again (at least once).
    expect([count('crash-a:one'), count('crash-a:two'), count('crash-a:three')]).toEqual([1, 2, 1]);
    expect(count('crash-b:after-timer')).toBe(1);
  });

  function stateFile(instanceId: string): string {
    const file = path.join(stateDir, 'instances', `${encodeURIComponent(instanceId)}.json`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }
});

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(20);
  }
}
