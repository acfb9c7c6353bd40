import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './appUnderTest';

/** The compiled app in a local host running as its own process, as `func start` would run it. */
export interface HostProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly output: () => string;
  call(
    method: string,
    path: string,
    body?: unknown,
    key?: 'function' | 'master',
  ): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export const functionKey = 'test-function-key';

/** Every host process still running: killed by `stopAllHostProcesses`, whatever a test did. */
const running = new Set<ChildProcess>();

export async function stopAllHostProcesses(): Promise<void> {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
export const masterKey = 'test-master-key';

export async function startHostProcess(
  settings: Record<string, string>,
  stateDir: string,
  crashAt?: string,
): Promise<HostProcess> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'dist', 'local', 'host', 'main.js'), '--state-dir', stateDir],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        ...settings,
        LOCAL_FUNCTION_KEY: functionKey,
        LOCAL_MASTER_KEY: masterKey,
        ...(crashAt ? { LOCAL_HOST_CRASH_AT: crashAt } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`host exited before listening:\n${stderr}`)));
  });
  return {
    url,
    child,
    exited,
    output: () => stderr,
    call: async (method, path, body, key = 'function') => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { 'x-functions-key': key === 'master' ? masterKey : functionKey },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
