import { RestError, type ContainerClient } from '@azure/storage-blob';

/** The service's limit on sub-requests in one blob batch. */
export const maxBatchSize = 256;

/** What happened to the blobs of one folder. */
export interface FolderDeletion {
  readonly deleted: number;
  /** Blobs that were already gone when we asked: counted as deleted. */
  readonly alreadyGone: number;
  /**
   * Blobs the service refused to delete for good reasons (immutability policy, legal hold): the
   * first few, so memory stays flat; `heldCount` has them all.
   */
  readonly held: readonly { readonly blob: string; readonly code: string }[];
  readonly heldCount: number;
  /** Blobs that could not be deleted for other reasons (transient after retry, or unexpected). */
  readonly failed: readonly { readonly blob: string; readonly code: string }[];
  readonly failedCount: number;
  /** How many blobs were still listed under the folder afterwards. */
  readonly remaining: number;
  /** Whether the batch API was refused and single deletes were used instead. */
  readonly usedSingleDeletes: boolean;
}

interface BlobOutcome {
  readonly blob: string;
  readonly result: 'deleted' | 'gone' | 'held' | 'failed';
  readonly code?: string;
}

const singleDeleteConcurrency = 16;
/** How many refused blobs a result names; the counts cover the rest. */
export const maxNamedRefusals = 20;
/** Snapshots go with their blob: a blob with snapshots cannot be deleted otherwise. */
const deleteOptions = { deleteSnapshots: 'include' } as const;

/**
 * Deletes every blob under `<folder>/` in batches of at most 256, one listing page at a time so
 * memory stays flat whatever the folder holds. Per-blob results come from the batch response (the
 * batch call itself succeeds even when some deletes fail): a blob already gone counts as deleted,
 * a 409 for immutability or legal hold is `held`, a transient failure is tried once more singly
 * (and the client's own retry policy retries that request). When the service refuses batches
 * altogether, falls back to parallel single deletes. Ends by listing the folder again: only an
 * empty listing means the folder is gone.
 *
 * Known shortcoming: on an account with blob versioning or soft delete, earlier versions and
 * soft-deleted blobs stay (and cost storage) after this; the account's lifecycle management
 * rule is what removes them.
 */
export async function deleteFolder(
  container: ContainerClient,
  folder: string,
): Promise<FolderDeletion> {
  const prefix = `${folder}/`;
  const totals = { deleted: 0, alreadyGone: 0, heldCount: 0, failedCount: 0 };
  const held: { blob: string; code: string }[] = [];
  const failed: { blob: string; code: string }[] = [];
  let useBatches = true;

  const pages = container.listBlobsFlat({ prefix }).byPage({ maxPageSize: maxBatchSize });
  for await (const page of pages) {
    const names = page.segment.blobItems.map((item) => item.name);
    if (names.length === 0) continue;
    let outcomes: BlobOutcome[] | undefined;
    if (useBatches) {
      outcomes = await deleteAsBatch(container, names);
      if (!outcomes) useBatches = false;
    }
    outcomes ??= await deleteOneByOne(container, names);
    const retried = await retryTransient(container, outcomes);
    for (const outcome of retried) {
      if (outcome.result === 'deleted') totals.deleted += 1;
      else if (outcome.result === 'gone') totals.alreadyGone += 1;
      else {
        const isHeld = outcome.result === 'held';
        const count = isHeld ? ++totals.heldCount : ++totals.failedCount;
        if (count > maxNamedRefusals) continue;
        (isHeld ? held : failed).push({ blob: outcome.blob, code: outcome.code ?? 'Unknown' });
      }
    }
  }

  let remaining = 0;
  for await (const page of container.listBlobsFlat({ prefix }).byPage({ maxPageSize: 5000 })) {
    remaining += page.segment.blobItems.length;
  }
  return { ...totals, held, failed, remaining, usedSingleDeletes: !useBatches };
}

/** Undefined when the batch endpoint itself is refused, so the caller falls back. */
async function deleteAsBatch(
  container: ContainerClient,
  names: readonly string[],
): Promise<BlobOutcome[] | undefined> {
  const clients = names.map((name) => container.getBlobClient(name));
  try {
    const response = await container.getBlobBatchClient().deleteBlobs(clients, deleteOptions);
    return response.subResponses.map((sub, index) =>
      outcomeFor(names[index], sub.status, sub.errorCode),
    );
  } catch (error) {
    if (error instanceof RestError && error.statusCode !== undefined && error.statusCode < 500) {
      return undefined;
    }
    throw error;
  }
}

async function deleteOneByOne(
  container: ContainerClient,
  names: readonly string[],
): Promise<BlobOutcome[]> {
  const outcomes: BlobOutcome[] = new Array(names.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const index = next++;
      outcomes[index] = await deleteSingle(container, names[index]);
    }
  };
  await Promise.all(Array.from({ length: singleDeleteConcurrency }, worker));
  return outcomes;
}

async function deleteSingle(container: ContainerClient, name: string): Promise<BlobOutcome> {
  try {
    await container.getBlobClient(name).delete(deleteOptions);
    return { blob: name, result: 'deleted' };
  } catch (error) {
    if (error instanceof RestError) return outcomeFor(name, error.statusCode ?? 0, error.code);
    return {
      blob: name,
      result: 'failed',
      code: error instanceof Error ? error.message : 'Unknown',
    };
  }
}

/** One more try, singly, for blobs whose delete failed transiently (throttling, 5xx). */
async function retryTransient(
  container: ContainerClient,
  outcomes: BlobOutcome[],
): Promise<BlobOutcome[]> {
  const transient = outcomes.filter((o) => o.result === 'failed' && isTransientCode(o.code));
  if (transient.length === 0) return outcomes;
  const retried = new Map(
    (
      await deleteOneByOne(
        container,
        transient.map((o) => o.blob),
      )
    ).map((o) => [o.blob, o]),
  );
  return outcomes.map((o) => retried.get(o.blob) ?? o);
}

function outcomeFor(blob: string, status: number, code: string | undefined): BlobOutcome {
  if (status >= 200 && status < 300) return { blob, result: 'deleted' };
  if (status === 404) return { blob, result: 'gone', code };
  if (status === 409 && code && /Immutable|LegalHold/i.test(code))
    return { blob, result: 'held', code };
  return { blob, result: 'failed', code: code ?? `HTTP${status}` };
}

function isTransientCode(code: string | undefined): boolean {
  return (
    code === undefined || /^HTTP(5\d\d|429)$|ServerBusy|InternalError|OperationTimedOut/.test(code)
  );
}
