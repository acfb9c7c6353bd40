import { createHash, randomBytes } from 'node:crypto';
import type { KeySnapshot } from './keyStore';

/**
 * What an emulated backup folder holds. The real layout is not public; this one is plausible
 * (several blobs, some of a few hundred KiB, a manifest written last) and self-checking, so a
 * restore can tell a complete backup from a partial or altered one.
 */
export const MANIFEST_BLOB = 'manifest.json';
export const KEYS_BLOB = 'keys.json';
/** Written first and deleted last, so an unfinished backup is visible in its folder. */
export const IN_PROGRESS_MARKER = 'backup-in-progress';

/** Opaque blobs standing in for the HSM's wrapped partition images. */
const IMAGE_BLOBS = [
  { name: 'partition-0.bin', bytes: 384 * 1024 },
  { name: 'partition-1.bin', bytes: 192 * 1024 },
  { name: 'partition-2.bin', bytes: 64 * 1024 },
];

const FORMAT = 'hsm-emulator-backup';
const FORMAT_VERSION = 1;

export interface ManifestEntry {
  name: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof FORMAT;
  formatVersion: number;
  hsmName: string;
  createdAt: string;
  blobs: ManifestEntry[];
}

export interface BackupBlob {
  /** Name inside the folder. */
  name: string;
  content: Buffer;
}

/** A folder's content is not a backup this HSM can restore. */
export class InvalidBackup extends Error {}

/** The blobs of one backup in write order: data first, the manifest that lists them last. */
export function composeBackupBlobs(
  hsmName: string,
  keys: KeySnapshot,
  createdAtMs: number,
): BackupBlob[] {
  const data: BackupBlob[] = [
    ...IMAGE_BLOBS.map((image) => ({ name: image.name, content: randomBytes(image.bytes) })),
    { name: KEYS_BLOB, content: Buffer.from(JSON.stringify({ keys }), 'utf8') },
  ];
  const manifest: BackupManifest = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    hsmName,
    createdAt: new Date(createdAtMs).toISOString(),
    blobs: data.map((blob) => ({
      name: blob.name,
      bytes: blob.content.length,
      sha256: sha256(blob.content),
    })),
  };
  return [...data, { name: MANIFEST_BLOB, content: Buffer.from(JSON.stringify(manifest), 'utf8') }];
}

export function parseManifest(content: Buffer): BackupManifest {
  const parsed = parseJson(content, MANIFEST_BLOB);
  const blobs = parsed.blobs;
  if (
    parsed.format !== FORMAT ||
    parsed.formatVersion !== FORMAT_VERSION ||
    typeof parsed.hsmName !== 'string' ||
    !Array.isArray(blobs) ||
    !blobs.every(isManifestEntry)
  ) {
    throw new InvalidBackup(`${MANIFEST_BLOB} is not a manifest this HSM understands`);
  }
  return parsed as unknown as BackupManifest;
}

/** Throws InvalidBackup unless `content` is exactly what the manifest recorded. */
export function verifyBlob(entry: ManifestEntry, content: Buffer): void {
  if (content.length !== entry.bytes || sha256(content) !== entry.sha256) {
    throw new InvalidBackup(`blob '${entry.name}' does not match the manifest`);
  }
}

export function parseKeys(content: Buffer): KeySnapshot {
  const keys = parseJson(content, KEYS_BLOB).keys;
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
    throw new InvalidBackup(`${KEYS_BLOB} holds no key set`);
  }
  for (const versions of Object.values(keys)) {
    const wellFormed =
      Array.isArray(versions) &&
      versions.every(
        (v: unknown) =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as Record<string, unknown>).version === 'string' &&
          typeof (v as Record<string, unknown>).material === 'string',
      );
    if (!wellFormed) {
      throw new InvalidBackup(`${KEYS_BLOB} holds a malformed key`);
    }
  }
  return keys as KeySnapshot;
}

function isManifestEntry(value: unknown): value is ManifestEntry {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.name === 'string' &&
    typeof entry.bytes === 'number' &&
    typeof entry.sha256 === 'string'
  );
}

function parseJson(content: Buffer, name: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(content.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Reported below, as for any other content that is not an object.
  }
  throw new InvalidBackup(`${name} is not valid JSON`);
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
