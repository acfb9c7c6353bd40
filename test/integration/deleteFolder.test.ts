import type { ContainerClient } from '@azure/storage-blob';
import { createServices } from '../../shared/app/appServices';
import { loadConfig } from '../../shared/config/loadConfig';
import { deleteFolder } from '../../shared/storage/deleteFolder';
import { localAppSettings } from '../support/appSettings';
import { startAzurite, type RunningAzurite } from '../support/azurite';

let azurite: RunningAzurite;
let container: ContainerClient;

beforeAll(async () => {
  azurite = await startAzurite();
  const config = loadConfig(
    localAppSettings(azurite, { url: 'https://127.0.0.1:1', name: 'contoso' }),
  );
  container = createServices(config).storage.container;
  await container.create();
});
afterAll(() => azurite?.stop());

async function fill(prefix: string, count: number): Promise<void> {
  const names = Array.from(
    { length: count },
    (_, i) => `${prefix}/blob-${String(i).padStart(4, '0')}`,
  );
  for (let i = 0; i < names.length; i += 32) {
    await Promise.all(
      names.slice(i, i + 32).map((n) => container.getBlockBlobClient(n).upload('x', 1)),
    );
  }
}

async function count(prefix: string): Promise<number> {
  let n = 0;
  for await (const blob of container.listBlobsFlat({ prefix })) if (blob) n++;
  return n;
}

describe('deleting a backup folder', () => {
  it('deletes 600 blobs in batches and leaves neighbours with a shared prefix alone', async () => {
    await fill('mhsm-contoso-2026120402000000', 600);
    await fill('mhsm-contoso-20261204020000000', 3);
    await fill('mhsm-contoso-dr-2026120402000000', 3);
    const result = await deleteFolder(container, 'mhsm-contoso-2026120402000000');
    expect(result).toMatchObject({
      deleted: 600,
      alreadyGone: 0,
      remaining: 0,
      held: [],
      failed: [],
    });
    expect(result.usedSingleDeletes).toBe(false);
    expect(await count('mhsm-contoso-20261204020000000/')).toBe(3);
    expect(await count('mhsm-contoso-dr-2026120402000000/')).toBe(3);
  });

  it('counts an empty or vanished folder as nothing to do', async () => {
    const result = await deleteFolder(container, 'mhsm-contoso-2020010100000000');
    expect(result).toMatchObject({ deleted: 0, remaining: 0 });
  });
});
