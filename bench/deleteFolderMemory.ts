import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '../local/storage/startAzurite';
import { deleteFolder } from '../shared/storage/deleteFolder';

/**
 * Deleting a backup folder keeps memory flat however many blobs it holds: the listing is read
 * page by page and each page deleted as one batch. Measures the peak heap growth while deleting
 * folders of increasing size against a real Azurite.
 */
export async function deleteFolderMemory(sizes: readonly number[]): Promise<string[]> {
  const azurite = await startAzurite();
  const lines: string[] = [];
  try {
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient('bench');
    await container.create();
    for (const size of sizes) {
      const folder = `mhsm-bench-${String(size).padStart(16, '0')}`;
      await fill(container, folder, size);
      global.gc?.();
      const base = process.memoryUsage().heapUsed;
      let peak = base;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
      const started = Date.now();
      const result = await deleteFolder(container, folder);
      clearInterval(sampler);
      const seconds = (Date.now() - started) / 1000;
      lines.push(
        `delete ${size} blobs: ${result.deleted} deleted, ${result.remaining} left, ` +
          `${seconds.toFixed(1)} s, ` +
          `peak heap growth ${((peak - base) / 1048576).toFixed(1)} MiB`,
      );
    }
  } finally {
    await azurite.stop();
  }
  return lines;
}

async function fill(
  container: ReturnType<BlobServiceClient['getContainerClient']>,
  folder: string,
  count: number,
) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await container
        .getBlockBlobClient(`${folder}/part-${String(index).padStart(6, '0')}`)
        .upload('x', 1);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}
