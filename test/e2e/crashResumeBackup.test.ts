import { CrashMatrix } from '../support/crashMatrix';
import type { HostProcess } from '../support/hostProcess';

const matrix = new CrashMatrix();
beforeAll(() => matrix.start());
afterAll(() => matrix.stop());

async function startBackup(host: HostProcess): Promise<string> {
  const accepted = await host.call('POST', '/api/backups');
  expect(accepted.status).toBe(202);
  return (accepted.body as { statusUrl: string }).statusUrl;
}

const which = matrix.stride === 1 ? 'every write' : `every ${matrix.stride}th write`;

describe('a host killed at any step boundary of a backup', () => {
  it(`resumes and completes it with exactly one job accepted by the HSM (${which})`, async () => {
    const located = async () => '/api/backups/backup-contoso';
    const points = await matrix.everyCrashPoint(startBackup, located, (outcome, point) => {
      const starts = matrix.emulator.stats().acceptedBackupStarts;
      if (outcome.notStarted) {
        // The host died before it stored the run: the caller got no 202, and nothing happened.
        expect({ point, starts }).toEqual({ point, starts: 0 });
        return;
      }
      expect({ point, status: outcome.status, starts }).toEqual({
        point,
        status: 'Succeeded',
        starts: 1,
      });
    });
    expect(points.length).toBeGreaterThanOrEqual(matrix.stride === 1 ? 20 : 4);
  }, 600_000);
});
