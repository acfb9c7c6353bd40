import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './appUnderTest';
import { collectChild } from './collectChild';

export interface SandboxRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the compiled sandbox as `npm run local` would, on free ports, and collects its output. */
export function runSandbox(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<SandboxRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(HSM_|BACKUP_|RETENTION_|LEDGER_|RESTORE_|LOCAL_|AZURE_)/.test(name),
    ),
  );
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'dist', 'local', 'sandbox', 'main.js'), '--ports', 'auto', ...args],
    { cwd: repoRoot, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return collectChild(child, timeoutMs);
}
