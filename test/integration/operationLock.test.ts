import { TableClient } from '@azure/data-tables';
import { LedgerTable } from '../../shared/ledger/LedgerTable';
import { OperationLock } from '../../shared/ledger/OperationLock';
import {
  devAccountKey,
  devAccountName,
  startAzurite,
  type RunningAzurite,
} from '../support/azurite';
import { AzureNamedKeyCredential } from '@azure/data-tables';

let azurite: RunningAzurite;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

/** A lock as a freshly started app process would build it: nothing shared but the table. */
function lockOfNewProcess(table: string): OperationLock {
  const client = new TableClient(
    azurite.tableUrl,
    table,
    new AzureNamedKeyCredential(devAccountName, devAccountKey),
    {
      allowInsecureConnection: true,
    },
  );
  return new OperationLock(new LedgerTable(client));
}

const t0 = new Date('2026-12-04T02:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe('one operation per HSM', () => {
  it('survives a restart: a new process sees the holder and cannot take the lock', async () => {
    const before = lockOfNewProcess('lockrestart');
    expect(
      await before.acquire(
        'contoso',
        { instanceId: 'restore-a', operation: 'restore' },
        3_600_000,
        t0,
      ),
    ).toMatchObject({
      acquired: true,
    });
    const after = lockOfNewProcess('lockrestart');
    const refused = await after.acquire(
      'contoso',
      { instanceId: 'backup-contoso', operation: 'backup' },
      3_600_000,
      later(5),
    );
    expect(refused).toMatchObject({
      acquired: false,
      heldBy: { instanceId: 'restore-a', operation: 'restore' },
    });
    expect(await after.holder('contoso', later(5))).toMatchObject({ instanceId: 'restore-a' });
    // The holder itself, resumed after the restart, keeps it.
    expect(
      await after.acquire(
        'contoso',
        { instanceId: 'restore-a', operation: 'restore' },
        3_600_000,
        later(6),
      ),
    ).toMatchObject({
      acquired: true,
      holder: { since: t0 },
    });
  });

  it('keeps HSMs apart and frees the lock on release by its holder only', async () => {
    const lock = lockOfNewProcess('lockrelease');
    await lock.acquire('contoso', { instanceId: 'a', operation: 'backup' }, 60_000, t0);
    expect(
      (await lock.acquire('contoso-dr', { instanceId: 'b', operation: 'backup' }, 60_000, t0))
        .acquired,
    ).toBe(true);
    expect(await lock.release('contoso', 'someone-else')).toBe(false);
    expect(await lock.release('contoso', 'a')).toBe(true);
    expect(await lock.holder('contoso', t0)).toBeUndefined();
  });

  it('lets a lease lapse once its holder is long gone', async () => {
    const lock = lockOfNewProcess('locklapse');
    await lock.acquire('contoso', { instanceId: 'crashed', operation: 'backup' }, 60_000, t0);
    expect(
      (await lock.acquire('contoso', { instanceId: 'next', operation: 'backup' }, 60_000, later(2)))
        .acquired,
    ).toBe(true);
  });

  it('lets exactly one of many simultaneous contenders win', async () => {
    const contenders = Array.from({ length: 8 }, () => lockOfNewProcess('lockrace'));
    await contenders[0].acquire('warmup', { instanceId: 'x', operation: 'backup' }, 1, t0);
    const results = await Promise.all(
      contenders.map((lock, i) =>
        lock.acquire('contoso', { instanceId: `c${i}`, operation: 'backup' }, 60_000, t0),
      ),
    );
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
  });
});
