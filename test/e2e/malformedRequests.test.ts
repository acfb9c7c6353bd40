import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupInstanceId, type BackupCycleResult } from '../../shared/backup/BackupCycle';
import { nextSecond, startAppUnderTest, type AppUnderTest } from '../support/appUnderTest';

/**
 * At least a thousand generated malformed requests per endpoint: each gets a 4xx JSON refusal,
 * neither the HSM nor storage sees anything of any of them, and the app keeps serving.
 */
const perEndpoint = 1000;
const debugLog = join(mkdtempSync(join(tmpdir(), 'azurite-debug-')), 'debug.log');
let app: AppUnderTest;
let folder: string;

beforeAll(async () => {
  app = await startAppUnderTest({
    settings: { BACKUP_SCHEDULE: '* * * * * *', RESTORE_ENABLED: 'true' },
    azuriteDebugLog: debugLog,
  });
  await nextSecond();
  await app.host.invokeTimer('backupTimer');
  const done = await app.host.waitForInstance(backupInstanceId('contoso'), { timeoutMs: 30_000 });
  folder = (done.output as BackupCycleResult).folder as string;
}, 60_000);
afterAll(() => app?.stop());

const countStorageRequests = () =>
  (readFileSync(debugLog, 'utf8').match(/RequestURL=/g) ?? []).length;

/** Azurite writes its log asynchronously: a count is read once it has stopped changing. */
async function storageRequests(): Promise<number> {
  let count = countStorageRequests();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = countStorageRequests();
    if (again === count) return count;
    count = again;
  }
}

/** Strings an attacker or a tired operator might send where a folder name goes. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "mhsm-contoso-2026120402000000' or '1' eq '1",
    'mhsm-contoso-2026120402000000/../../etc/passwd',
    '../mhsm-contoso-2026120402000000',
    '%2e%2e%2fmhsm-contoso-2026120402000000',
    'mhsm-contoso-2026120402000000%00',
    'mhsm-contoso-2026120402000000\u0000',
    'mhsm-contoso-20261204020000000000',
    'mhsm-contoso-dr-2026120402000000',
    'MHSM-CONTOSO-2026120402000000',
    'https://evil.example/hsm-backups/mhsm-contoso-2026120402000000',
    'http://127.0.0.1:1/devstoreaccount1/hsm-backups/mhsm-contoso-2026120402000000?sig=abc',
    'file:///etc/passwd',
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    'mhsm-contoso-2026120402000000\r\nX-Injected: 1',
  ),
);

/** A value of the wrong JSON type for a field. */
const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);

/** Restore bodies that are wrong in at least one way; never a valid request. */
const malformedRestoreBody = fc.oneof(
  // Not a JSON object at all.
  fc
    .oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.anything(), { maxLength: 3 }))
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }).filter((t) => !isJsonObject(t)),
  fc
    .uint8Array({ minLength: 1, maxLength: 100 })
    .map((bytes) => Buffer.from([0xff, 0xfe, ...bytes])),
  // A hostile folder, or a wrong confirmation, or wrong types, or unknown fields.
  fc
    .record({ folder: hostileText, confirm: fc.constantFrom('contoso', 'Contoso', '', 'contoso ') })
    .map((b) => JSON.stringify(b)),
  fc
    .record({ folder: fc.constant('@folder'), confirm: fc.string().filter((c) => c !== 'contoso') })
    .map((b) => JSON.stringify(b)),
  fc.record({ folder: wrongType, confirm: fc.constant('contoso') }).map((b) => JSON.stringify(b)),
  fc
    .record({
      folder: fc.constant('@folder'),
      confirm: fc.constant('contoso'),
      backupFirst: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    })
    .map((b) => JSON.stringify(b)),
  fc
    .record({
      folder: fc.constant('@folder'),
      confirm: fc.constant('contoso'),
      dryRun: fc.oneof(fc.string(), fc.integer()),
    })
    .map((b) => JSON.stringify(b)),
  fc
    .tuple(
      fc
        .string({ minLength: 1, maxLength: 20 })
        .filter((k) => !['folder', 'confirm', 'backupFirst', 'dryRun', '__proto__'].includes(k)),
      fc.jsonValue(),
    )
    .map(([key, value]) =>
      JSON.stringify({ folder: '@folder', confirm: 'contoso', dryRun: true, [key]: value }),
    ),
  // Far too large.
  fc
    .integer({ min: 17_000, max: 3_000_000 })
    .map((size) =>
      JSON.stringify({ folder: '@folder', confirm: 'contoso', pad: 'x'.repeat(size) }),
    ),
);

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

async function send(
  method: string,
  path: string,
  body?: string | Buffer,
  contentType = 'application/json',
) {
  const response = await fetch(`${app.host.url}${path}`, {
    method,
    headers: { 'x-functions-key': app.host.functionKey, 'content-type': contentType },
    body: typeof body === 'string' ? body.replace(/@folder/g, folder) : body,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

async function expectAllRefused(
  requests: fc.Arbitrary<() => ReturnType<typeof send>>,
): Promise<void> {
  const samples = fc.sample(requests, { numRuns: perEndpoint, seed: 20261204 });
  let next = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < samples.length) {
      const response = await samples[next++]();
      const error = (response.body as { error?: { code?: unknown; message?: unknown } }).error;
      const refused = response.status >= 400 && response.status < 500;
      if (!refused || typeof error?.code !== 'string' || typeof error.message !== 'string') {
        failures.push(`${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect(failures.slice(0, 5)).toEqual([]);
  expect(samples).toHaveLength(perEndpoint);
}

describe('malformed requests, generated', () => {
  let hsmBefore: number;
  let storageBefore: number;
  beforeAll(async () => {
    // The cycle above is over; let its last storage calls reach Azurite's log first.
    await app.host.whenIdle();
    storageBefore = await storageRequests();
    app.emulator.resetStats();
    hsmBefore = app.emulator.stats().requests.length;
  });

  it(`POST /api/restore: ${perEndpoint} bodies, all refused as JSON`, () =>
    expectAllRefused(malformedRestoreBody.map((body) => () => send('POST', '/api/restore', body))));

  it(`POST /api/restore/keys/{key}: ${perEndpoint} requests, all refused as JSON`, () =>
    expectAllRefused(
      fc.oneof(
        fc
          .string({ minLength: 1, maxLength: 200 })
          .filter((k) => !/^[A-Za-z0-9-]{1,127}$/.test(k) && !/^[./]*$/.test(k))
          .map(
            (key) => () =>
              send(
                'POST',
                `/api/restore/keys/${encodeURIComponent(key)}`,
                JSON.stringify({ folder: '@folder', confirm: 'contoso' }),
              ),
          ),
        malformedRestoreBody.map((body) => () => send('POST', '/api/restore/keys/payments', body)),
      ),
    ));

  it(`GET /api/restore/{id}: ${perEndpoint} ids, all refused as JSON`, () =>
    expectAllRefused(
      fc
        .string({ minLength: 1, maxLength: 120 })
        .filter((id) => !/^[./]*$/.test(id))
        .map((id) => () => send('GET', `/api/restore/${encodeURIComponent(id)}`)),
    ));

  it(`GET /api/backups: ${perEndpoint} queries, all refused as JSON`, () =>
    expectAllRefused(
      fc
        .oneof(
          fc
            .string({ maxLength: 40 })
            .filter(
              (s) => !['Starting', 'InProgress', 'Succeeded', 'Failed', 'Unknown'].includes(s),
            )
            .map((s) => `status=${encodeURIComponent(s)}`),
          fc
            .string({ maxLength: 10 })
            .filter((s) => !/^\d{1,3}$/.test(s) || Number(s) < 1 || Number(s) > 100)
            .map((s) => `limit=${encodeURIComponent(s)}`),
          fc
            .string({ minLength: 1, maxLength: 40 })
            .filter((s) => !/^[A-Za-z0-9+/=_-]+$/.test(s))
            .map((s) => `next=${encodeURIComponent(s)}`),
          fc
            .string({ minLength: 1, maxLength: 20 })
            .filter((k) => !['status', 'limit', 'next', 'code'].includes(k))
            .map((k) => `${encodeURIComponent(k)}=1`),
        )
        .map((query) => () => send('GET', `/api/backups?${query}`)),
    ));

  it(`POST /api/backups: ${perEndpoint} bodies, all refused as JSON`, () =>
    expectAllRefused(
      fc
        .oneof(
          fc
            .string({ minLength: 1, maxLength: 100 })
            .filter((t) => !isJsonObject(t) && t.trim() !== ''),
          fc
            .dictionary(
              fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== '__proto__'),
              fc.jsonValue(),
              { minKeys: 1, maxKeys: 3 },
            )
            .map((d) => JSON.stringify(d)),
        )
        .map((body) => () => send('POST', '/api/backups', body)),
    ));

  it(`GET /api/backups/{id}: ${perEndpoint} ids, all refused as JSON`, () =>
    expectAllRefused(
      fc
        .string({ minLength: 1, maxLength: 120 })
        .filter((id) => id !== 'backup-contoso' && !/^[./]*$/.test(id))
        .map((id) => () => send('GET', `/api/backups/${encodeURIComponent(id)}`)),
    ));

  it(`GET /api/retention/preview: ${perEndpoint} queries, all refused as JSON`, () =>
    expectAllRefused(
      fc
        .oneof(
          fc
            .string({ maxLength: 20 })
            .filter((f) => f !== 'json' && f !== 'text')
            .map((f) => `format=${encodeURIComponent(f)}`),
          fc
            .string({ minLength: 1, maxLength: 20 })
            .filter((k) => !['format', 'code'].includes(k))
            .map((k) => `${encodeURIComponent(k)}=x`),
        )
        .map((query) => () => send('GET', `/api/retention/preview?${query}`)),
    ));

  it('sent nothing to the HSM or to storage for any of them', async () => {
    expect(app.emulator.stats().requests.length).toBe(hsmBefore);
    expect(await storageRequests()).toBe(storageBefore);
  });

  it('is still serving: a valid dry run is accepted', async () => {
    const response = await send(
      'POST',
      '/api/restore',
      JSON.stringify({ folder, confirm: 'contoso', dryRun: true }),
    );
    expect(response.status).toBe(202);
  });
});
