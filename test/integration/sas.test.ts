import { ContainerClient, RestError } from '@azure/storage-blob';
import { createServices, type AppServices } from '../../shared/app/appServices';
import { loadConfig } from '../../shared/config/loadConfig';
import { mintContainerSas, sasPermissions } from '../../shared/storage/mintContainerSas';
import { localAppSettings } from '../support/appSettings';
import { startAzurite, type RunningAzurite } from '../support/azurite';

let azurite: RunningAzurite;
let services: AppServices;

beforeAll(async () => {
  azurite = await startAzurite();
  const config = loadConfig(
    localAppSettings(azurite, { url: 'https://127.0.0.1:1', name: 'contoso' }),
  );
  services = createServices(config);
  await services.storage.container.create();
});
afterAll(() => azurite?.stop());

async function sasClient(purpose: 'backup' | 'restore', validForMs = 600_000) {
  const sas = await mintContainerSas(
    services.config.storage,
    services.storage.blobService,
    purpose,
    new Date(),
    validForMs,
  );
  return { client: new ContainerClient(`${services.storage.containerUrl}?${sas.token}`), sas };
}

async function statusOf(action: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await action;
    return 'ok';
  } catch (error) {
    if (error instanceof RestError) return error.statusCode ?? -1;
    throw error;
  }
}

describe('container SAS minted for the HSM', () => {
  it('uses the canonical permission order', () => {
    expect(sasPermissions('backup')).toBe('rcwd');
    expect(sasPermissions('restore')).toBe('rl');
  });

  it('is container-scoped, backdated for clock skew, and carries no leading "?"', async () => {
    const now = new Date();
    const sas = await mintContainerSas(
      services.config.storage,
      services.storage.blobService,
      'backup',
      now,
      3_600_000,
    );
    const params = new URLSearchParams(sas.token);
    expect(sas.token.startsWith('?')).toBe(false);
    expect(params.get('sr')).toBe('c');
    expect(params.get('sp')).toBe('rcwd');
    expect(new Date(params.get('st')!).getTime()).toBeLessThanOrEqual(now.getTime() - 4 * 60_000);
    expect(new Date(params.get('se')!).getTime()).toBe(
      Math.floor((now.getTime() + 3_600_000) / 1000) * 1000,
    );
  });

  it('lets a backup SAS write and delete, but not list', async () => {
    const { client } = await sasClient('backup');
    const blob = client.getBlockBlobClient('mhsm-contoso-20261204020000/part-1');
    expect(await statusOf(blob.upload('data', 4))).toBe('ok');
    expect(await statusOf(client.listBlobsFlat().next())).toBe(403);
    expect(await statusOf(blob.delete())).toBe('ok');
  });

  it('lets a restore SAS read and list, but never write', async () => {
    const writer = (await sasClient('backup')).client;
    await writer.getBlockBlobClient('mhsm-contoso-20261204030000/part-1').upload('data', 4);
    const { client } = await sasClient('restore');
    expect(await statusOf(client.listBlobsFlat().next())).toBe('ok');
    expect(
      await statusOf(client.getBlobClient('mhsm-contoso-20261204030000/part-1').download()),
    ).toBe('ok');
    expect(
      await statusOf(client.getBlockBlobClient('mhsm-contoso-x/part-2').upload('data', 4)),
    ).toBe(403);
  });

  it('is refused once expired', async () => {
    // Valid from five minutes ago (skew allowance) until one second ago.
    const { client } = await sasClient('backup', -1000);
    expect(await statusOf(client.getBlockBlobClient('late/blob').upload('data', 4))).toBe(403);
  });
});
