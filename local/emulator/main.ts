/**
 * Runs one emulated HSM until interrupted:
 *   node dist/local/emulator/main.js --hsm-name contoso [--port 8443] [--ca-out ca.pem]
 *     [--job-duration-ms 1000] [--retry-after 1] [--tenant-id <guid>] [--faults a,b:2]
 *     [--managed-identity-account devstoreaccount1]   (key from HSM_EMULATOR_MI_ACCOUNT_KEY)
 * Prints the URL as the first line of stdout; logs go to stderr.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFaultList } from './faults';
import { startEmulator, type EmulatorOptions } from './startEmulator';

const USAGE =
  'usage: main.js --hsm-name NAME [--host 127.0.0.1] [--port N] [--ca-out FILE] ' +
  '[--job-duration-ms MS] [--retry-after S] [--tenant-id ID] [--faults LIST] ' +
  '[--managed-identity-account NAME]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'hsm-name': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'ca-out': { type: 'string' },
      'job-duration-ms': { type: 'string' },
      'retry-after': { type: 'string' },
      'tenant-id': { type: 'string' },
      faults: { type: 'string' },
      'managed-identity-account': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values['hsm-name']) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = values.help ? 0 : 2;
    return;
  }

  const options: EmulatorOptions = {
    hsmName: values['hsm-name'],
    host: values.host,
    port: optionalNumber(values.port, '--port'),
    jobDurationMs: optionalNumber(values['job-duration-ms'], '--job-duration-ms'),
    retryAfterSeconds: optionalNumber(values['retry-after'], '--retry-after'),
    tenantId: values['tenant-id'],
    managedIdentityStorage: managedIdentityFrom(values['managed-identity-account']),
    log: (line) => process.stderr.write(`[hsm-emulator] ${line}\n`),
  };
  const emulator = await startEmulator(options);
  if (values.faults) {
    emulator.setFaults(parseFaultList(values.faults));
  }
  if (values['ca-out']) {
    writeFileSync(values['ca-out'], emulator.caCertPem);
  }
  process.stdout.write(`${emulator.url}\n`);

  const shutDown = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutDown);
  process.once('SIGTERM', shutDown);
}

function optionalNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${flag} takes a non-negative number; got '${text}'.`);
  }
  return value;
}

function managedIdentityFrom(
  accountName: string | undefined,
): EmulatorOptions['managedIdentityStorage'] {
  if (!accountName) {
    return undefined;
  }
  // The key comes from the environment so it never shows in a process listing.
  const accountKey = process.env.HSM_EMULATOR_MI_ACCOUNT_KEY;
  if (!accountKey) {
    throw new Error('--managed-identity-account needs HSM_EMULATOR_MI_ACCOUNT_KEY to be set.');
  }
  return { accountName, accountKey };
}

main().catch((error: unknown) => {
  process.stderr.write(`hsm-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
