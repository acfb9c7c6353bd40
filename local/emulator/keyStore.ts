import { randomBytes } from 'node:crypto';

/** One version of an emulated key: an id and its material (base64 of random bytes). */
export interface KeyVersion {
  version: string;
  material: string;
}

/** Every key by name, versions oldest first. Always a deep copy, safe to compare with toEqual. */
export type KeySnapshot = Record<string, KeyVersion[]>;

const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const KEY_MATERIAL_BYTES = 32;

export function isValidKeyName(name: string): boolean {
  return KEY_NAME.test(name);
}

/**
 * The emulated HSM's key material: a small in-memory set that backups serialise and restores
 * bring back. It stands in for everything a real full backup captures.
 */
export class KeyStore {
  private readonly byName = new Map<string, KeyVersion[]>();

  /** Creates a key with one version and returns that version's id. */
  create(name: string): string {
    if (!isValidKeyName(name)) {
      throw new Error(`Key name '${name}' is not valid: use 1-127 letters, digits or hyphens.`);
    }
    if (this.byName.has(name)) {
      throw new Error(`Key '${name}' already exists; rotate it to add a version.`);
    }
    const first = newVersion();
    this.byName.set(name, [first]);
    return first.version;
  }

  /** Adds a version to an existing key and returns the new version's id. */
  rotate(name: string): string {
    const versions = this.existing(name);
    const next = newVersion();
    versions.push(next);
    return next.version;
  }

  delete(name: string): void {
    this.existing(name);
    this.byName.delete(name);
  }

  snapshot(): KeySnapshot {
    const copy: KeySnapshot = {};
    for (const [name, versions] of [...this.byName].sort(([a], [b]) => a.localeCompare(b))) {
      copy[name] = versions.map((v) => ({ ...v }));
    }
    return copy;
  }

  /** A full restore: the HSM's keys become exactly the backup's. */
  replaceAll(keys: KeySnapshot): void {
    this.byName.clear();
    for (const [name, versions] of Object.entries(keys)) {
      this.byName.set(
        name,
        versions.map((v) => ({ ...v })),
      );
    }
  }

  /** A selective restore: one key, with all its versions, becomes the backup's. */
  replaceOne(name: string, versions: KeyVersion[]): void {
    this.byName.set(
      name,
      versions.map((v) => ({ ...v })),
    );
  }

  private existing(name: string): KeyVersion[] {
    const versions = this.byName.get(name);
    if (!versions) {
      throw new Error(`Key '${name}' does not exist.`);
    }
    return versions;
  }
}

function newVersion(): KeyVersion {
  return {
    version: randomBytes(16).toString('hex'),
    material: randomBytes(KEY_MATERIAL_BYTES).toString('base64'),
  };
}
