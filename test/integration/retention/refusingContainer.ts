import { RestError, type BlobBatchClient, type ContainerClient } from '@azure/storage-blob';

/** How the fake service answers a delete of one blob instead of deleting it. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  /** The blob really goes, but the answer is the refusal: someone else deleted it first. */
  readonly deletedFirst?: boolean;
}

/**
 * A small fake layer over a real ContainerClient (Azurite has no immutability policies or legal
 * holds): deletes of blobs for which `refuse` returns a refusal are answered with it and not
 * sent, in batches (as a sub-response) and singly (as a RestError), exactly as the service
 * reports them; everything else reaches the real storage. It also records every batch's size.
 */
export function refusingContainer(
  real: ContainerClient,
  refuse: (blob: string) => Refusal | undefined,
  batchSizes: number[] = [],
): ContainerClient {
  const batchClient = {
    async deleteBlobs(clients: readonly { name: string }[], options?: object) {
      batchSizes.push(clients.length);
      const refusals = clients.map((client) => refuse(client.name));
      const sent = (refusal: Refusal | undefined) => !refusal || refusal.deletedFirst;
      const allowed = clients
        .filter((_, index) => sent(refusals[index]))
        .map((client) => real.getBlobClient(client.name));
      const answers =
        allowed.length > 0
          ? (await real.getBlobBatchClient().deleteBlobs(allowed, options)).subResponses
          : [];
      let next = 0;
      const subResponses = refusals.map((refusal) => {
        const answer = sent(refusal) ? answers[next++] : undefined;
        return refusal
          ? { status: refusal.status, errorCode: refusal.code, statusMessage: refusal.code }
          : answer;
      });
      return { subResponses };
    },
  };
  const blobClient = (name: string) => {
    const client = real.getBlobClient(name);
    return new Proxy(client, {
      get(target, property) {
        if (property === 'delete') {
          return async (options?: object) => {
            const refusal = refuse(name);
            if (!refusal || refusal.deletedFirst) await target.delete(options);
            if (!refusal) return;
            throw new RestError(refusal.code, { statusCode: refusal.status, code: refusal.code });
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return new Proxy(real, {
    get(target, property) {
      if (property === 'getBlobBatchClient') return () => batchClient as unknown as BlobBatchClient;
      if (property === 'getBlobClient') return blobClient;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
