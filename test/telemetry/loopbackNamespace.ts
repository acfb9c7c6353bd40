import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoopbackCertificate } from '../../local/emulator/certificate';
import type { CaptureReport } from '../../local/telemetrySink/captureSandboxRun';
import { repoRoot } from '../support/appUnderTest';
import { collectChild } from '../support/collectChild';

/**
 * Running telemetry exporters safely: only inside a network namespace of our own whose only
 * interface is loopback (`unshare -n`, then `ip link set lo up`), so nothing they try can reach
 * another host. Needs root (CI runs as root) and `ip` (iproute2), installed here if missing.
 */
export type NamespaceSupport = { ok: true } | { ok: false; reason: string };

let support: NamespaceSupport | undefined;

export function loopbackNamespaceSupport(): NamespaceSupport {
  support ??= probe();
  return support;
}

function probe(): NamespaceSupport {
  const unshare = spawnSync('unshare', ['-n', 'true'], { encoding: 'utf8' });
  if (unshare.error || unshare.status !== 0) {
    const why = unshare.error?.message ?? unshare.stderr.trim();
    return { ok: false, reason: `"unshare -n" is not possible here (${why}); it needs root` };
  }
  if (!hasIp()) {
    // A fresh machine may lack iproute2: install it (root, Debian's packages).
    spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq iproute2'], {
      stdio: 'ignore',
      timeout: 300_000,
    });
  }
  if (!hasIp()) {
    return { ok: false, reason: '"ip" (iproute2) is missing and could not be installed' };
  }
  const loUp = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (loUp.status !== 0) {
    return { ok: false, reason: `"ip link set lo up" failed inside the namespace: ${loUp.stderr}` };
  }
  return { ok: true };
}

function hasIp(): boolean {
  return spawnSync('sh', ['-c', 'command -v ip'], { stdio: 'ignore' }).status === 0;
}

export interface CapturedRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly wallMs: number;
  readonly report?: CaptureReport;
}

/**
 * Runs the compiled capture driver (the sandbox with telemetry pointed at the local sink) inside
 * a fresh loopback-only namespace, trusting the sink's certificate through NODE_EXTRA_CA_CERTS.
 */
export async function captureSandboxRun(scenario: 'full' | 'sink-down'): Promise<CapturedRun> {
  const workDir = mkdtempSync(join(tmpdir(), 'hsm-backup-telemetry-'));
  try {
    const certificate = await createLoopbackCertificate();
    const certFile = join(workDir, 'sink-cert.pem');
    const keyFile = join(workDir, 'sink-key.pem');
    const outFile = join(workDir, 'capture.json');
    writeFileSync(certFile, certificate.certPem);
    writeFileSync(keyFile, certificate.keyPem);
    const driver = join(repoRoot, 'dist', 'local', 'telemetrySink', 'captureSandboxRun.js');
    const args = ['--scenario', scenario, '--cert', certFile, '--key', keyFile, '--out', outFile];
    const run = await runInNamespace(['node', driver, ...args], {
      NODE_EXTRA_CA_CERTS: certFile,
      // The exporter's offline store (used while the sink is down) lands here and goes with it.
      TMPDIR: workDir,
    });
    let report: CaptureReport | undefined;
    try {
      report = JSON.parse(readFileSync(outFile, 'utf8')) as CaptureReport;
    } catch {
      // No report: the test shows the driver's stderr.
    }
    return { ...run, report };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Runs a command inside a fresh loopback-only namespace; the app's settings are not inherited. */
export function runInNamespace(
  command: readonly string[],
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !new RegExp(
          '^(HSM_|BACKUP_|RETENTION_|LEDGER_|RESTORE_|LOCAL_|AZURE_|ALERT_|' +
            'APPLICATIONINSIGHTS_|OTEL_)',
        ).test(name),
    ),
  );
  const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec ${quoted}`], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collectChild(child, timeoutMs);
}
