import { CrashMatrix, waitForOutcome } from '../support/crashMatrix';
import type { HostProcess } from '../support/hostProcess';

const matrix = new CrashMatrix();
let folder: string;

beforeAll(async () => {
  await matrix.start();
  const host = await matrix.host();
  const accepted = await host.call('POST', '/api/backups');
  const backup = await waitForOutcome(host, (accepted.body as { statusUrl: string }).statusUrl);
  await host.stop();
  folder = backup.folder as string;
});
afterAll(() => matrix.stop());

async function startRestore(host: HostProcess): Promise<string> {
  const accepted = await host.call('POST', '/api/restore', { folder, confirm: 'contoso' });
  expect(accepted.status).toBe(202);
  return (accepted.body as { statusUrl: string }).statusUrl;
}

/** The restore the lost answer would have named, found the way an operator would: by listing. */
async function locateRestore(host: HostProcess): Promise<string | undefined> {
  const response = await fetch(
    `${host.url}/runtime/webhooks/durabletask/instances?instanceIdPrefix=restore-contoso-`,
  );
  const instances = (await response.json()) as { instanceId: string }[];
  const restore = instances.find((i) => !i.instanceId.endsWith('-safety-backup'));
  return restore && `/api/restore/${restore.instanceId}`;
}

const which = matrix.stride === 1 ? 'every write' : `every ${matrix.stride}th write`;

describe('a host killed at any step boundary of a restore', () => {
  it(`resumes and completes it with one restore job, and frees the lock (${which})`, async () => {
    const points = await matrix.everyCrashPoint(
      startRestore,
      locateRestore,
      async (outcome, point) => {
        const starts = matrix.emulator.stats().acceptedRestoreStarts;
        if (outcome.notStarted) {
          // Died while answering the request, before the restore was stored: nothing ran. The lock
          // the request took lapses within minutes; free it now so the next point can run.
          expect({ point, starts }).toEqual({ point, starts: 0 });
          const lease = await matrix.lockLease();
          if (lease)
            expect({ point, leaseMinutes: lease <= 5 * 60_000 }).toEqual({
              point,
              leaseMinutes: true,
            });
          await matrix.clearLock();
          return;
        }
        expect({ point, status: outcome.status, starts }).toEqual({
          point,
          status: 'Succeeded',
          starts: 1,
        });
        expect({ point, lockHeld: (await matrix.lockLease()) !== undefined }).toEqual({
          point,
          lockHeld: false,
        });
      },
    );
    expect(points.length).toBeGreaterThanOrEqual(matrix.stride === 1 ? 20 : 4);
  }, 900_000);
});
