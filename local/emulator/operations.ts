import { composeBackupBlobs } from './backupFormat';
import { probeBackupAccess, writeBackupFolder } from './backupWriter';
import type { EmulatorState } from './emulatorState';
import { backupFolderName } from './folderName';
import { JobFailure } from './jobFailure';
import type { JobWork } from './jobRunner';
import type { JobKind } from './jobStore';
import { isValidKeyName } from './keyStore';
import {
  BadStartRequest,
  parseBackupBody,
  parseKeyRestoreBody,
  parseRestoreBody,
} from './requestBodies';
import { readBackupFolder } from './restoreReader';
import { containerFor } from './storageAccess';

/** How many data blobs a backup writes before the partial-write fault makes storage "fail". */
const PARTIAL_WRITE_AFTER_BLOBS = 2;

/** A start call, once its body is understood: what its job will do. */
export interface PreparedStart {
  work: JobWork;
}

export interface StartOperation {
  kind: JobKind;
  /** Exists from api-version 7.6 on. */
  isPreCheck: boolean;
  /** Why the service refuses to start it now (409), or undefined. */
  conflict(state: EmulatorState): string | undefined;
  /** Validates the call (throws BadStartRequest) and returns its job's work. */
  prepare(
    state: EmulatorState,
    body: unknown,
    receivedAtMs: number,
    pathKey?: string,
  ): PreparedStart;
}

const backup: StartOperation = {
  kind: 'backup',
  isPreCheck: false,
  conflict: (state) =>
    state.jobs.isRunning('backup') ? 'Another backup operation is in progress.' : undefined,
  prepare(state, body, receivedAtMs) {
    const target = parseBackupBody(body);
    const folder = backupFolderName(state.hsmName, receivedAtMs);
    const keys = state.keys.snapshot();
    return {
      work: async ({ abortSignal, fault }) => {
        const container = containerFor(target, state.managedIdentityStorage);
        const blobs = composeBackupBlobs(state.hsmName, keys, receivedAtMs);
        const failAfterBlobs = fault === 'partial-write' ? PARTIAL_WRITE_AFTER_BLOBS : undefined;
        await writeBackupFolder(container, folder, blobs, { abortSignal, failAfterBlobs });
        return { folderUri: `${target.containerUri}/${folder}` };
      },
    };
  },
};

const preBackup: StartOperation = {
  kind: 'preBackup',
  isPreCheck: true,
  conflict: () => undefined,
  prepare(state, body) {
    const target = parseBackupBody(body);
    return {
      work: async ({ jobId, abortSignal }) => {
        const container = containerFor(target, state.managedIdentityStorage);
        const probeName = `mhsm-${state.hsmName}-prebackup-check-${jobId}`;
        await probeBackupAccess(container, probeName, abortSignal);
        return {};
      },
    };
  },
};

const restore: StartOperation = {
  kind: 'restore',
  isPreCheck: false,
  // Whether the real service refuses a restore while a backup runs is not known; refusing is
  // the reading a client must survive either way.
  conflict(state) {
    if (state.jobs.isRunning('backup')) {
      return 'A backup operation is in progress; start the restore when it has finished.';
    }
    if (state.jobs.isRunning('keyRestore')) {
      return 'A key restore operation is in progress; start the restore when it has finished.';
    }
    return undefined;
  },
  prepare(state, body) {
    const { target, folder } = parseRestoreBody(body);
    return {
      work: async ({ abortSignal }) => {
        const container = containerFor(target, state.managedIdentityStorage);
        state.keys.replaceAll(await readBackupFolder(container, folder, abortSignal));
        return {};
      },
    };
  },
};

const preRestore: StartOperation = {
  kind: 'preRestore',
  isPreCheck: true,
  conflict: () => undefined,
  prepare(state, body) {
    const { target, folder } = parseRestoreBody(body);
    return {
      work: async ({ abortSignal }) => {
        const container = containerFor(target, state.managedIdentityStorage);
        await readBackupFolder(container, folder, abortSignal);
        return {};
      },
    };
  },
};

const keyRestore: StartOperation = {
  kind: 'keyRestore',
  isPreCheck: false,
  conflict: () => undefined,
  prepare(state, body, _receivedAtMs, keyName = '') {
    if (!isValidKeyName(keyName)) {
      throw new BadStartRequest(
        'BadParameter',
        `Key name '${keyName}' is not valid: use 1-127 letters, digits or hyphens.`,
      );
    }
    const { target, folder } = parseKeyRestoreBody(body);
    return {
      work: async ({ abortSignal }) => {
        const container = containerFor(target, state.managedIdentityStorage);
        const backedUp = await readBackupFolder(container, folder, abortSignal);
        // Own keys only: a key named like an Object member ('constructor') must not match one.
        const versions = Object.hasOwn(backedUp, keyName) ? backedUp[keyName] : undefined;
        if (!versions) {
          throw new JobFailure('KeyNotFound', `Key '${keyName}' is not in backup '${folder}'.`);
        }
        state.keys.replaceOne(keyName, versions);
        return {};
      },
    };
  },
};

export const START_OPERATIONS = { backup, preBackup, restore, preRestore, keyRestore };
