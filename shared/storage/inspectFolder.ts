import type { ContainerClient } from '@azure/storage-blob';

export interface FolderContents {
  readonly blobCount: number;
  readonly byteCount: number;
}

/** Counts the blobs and bytes under `<folder>/`, streaming the listing page by page. */
export async function inspectFolder(
  container: ContainerClient,
  folder: string,
): Promise<FolderContents> {
  let blobCount = 0;
  let byteCount = 0;
  for await (const blob of container.listBlobsFlat({ prefix: `${folder}/` })) {
    blobCount += 1;
    byteCount += blob.properties.contentLength ?? 0;
  }
  return { blobCount, byteCount };
}
