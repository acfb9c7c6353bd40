import { supportsPreChecks } from '../../local/emulator/apiVersions';
import { createEmulatorClock } from '../../local/emulator/clock';
import { FaultBoard, FAULT_NAMES, parseFaultList } from '../../local/emulator/faults';
import { backupFolderName } from '../../local/emulator/folderName';
import { KeyStore } from '../../local/emulator/keyStore';
import { normalizeSasToken, sasMalformedReason } from '../../local/emulator/sasToken';

describe('backup folder names', () => {
  it.each([
    ['contoso', Date.UTC(2022, 4, 9, 21, 24, 29, 394), 'mhsm-contoso-2022050921242939'],
    ['contoso-dr', Date.UTC(2024, 0, 1, 0, 0, 0, 0), 'mhsm-contoso-dr-2024010100000000'],
    ['a-b-c', Date.UTC(2023, 11, 31, 23, 59, 59, 999), 'mhsm-a-b-c-2023123123595999'],
  ])('names a backup of %s taken at %i as %s', (hsm, at, expected) => {
    expect(backupFolderName(hsm, at)).toBe(expected);
  });

  it('always ends in exactly 16 digits after the HSM name', () => {
    for (let at = Date.UTC(2020, 0, 1); at < Date.UTC(2030, 0, 1); at += 86_399_123) {
      expect(backupFolderName('x-y', at)).toMatch(/^mhsm-x-y-\d{16}$/);
    }
  });
});

describe('SAS tokens', () => {
  it('strips one leading question mark', () => {
    expect(normalizeSasToken('?sv=1&se=2030-01-01&sig=a')).toBe('sv=1&se=2030-01-01&sig=a');
    expect(normalizeSasToken('sv=1')).toBe('sv=1');
  });

  it.each([
    ['sv=2024-08-04&se=2030-01-01T00%3A00%3A00Z&sr=c&sp=rcwd&sig=abc%3D', undefined],
    ['sv=2024-08-04&sr=c&sp=rcwd&sig=abc', /no expiry/],
    ['se=soon&sig=abc', /not a date/],
    ['se=2030-01-01', /no signature/],
    ['has spaces in it', /not a query string/],
  ])('judges %s', (token, reason) => {
    const found = sasMalformedReason(token);
    if (reason === undefined) {
      expect(found).toBeUndefined();
    } else {
      expect(found).toMatch(reason);
    }
  });
});

describe('api-versions', () => {
  it.each([
    ['7.2', false],
    ['7.5', false],
    ['7.6', true],
    ['2025-07-01', true],
    ['2026-01-01-preview', true],
    ['7.7', false],
  ])('pre-checks at %s: %s', (version, expected) => {
    expect(supportsPreChecks(version)).toBe(expected);
  });
});

describe('the fault board', () => {
  it('lets a counted fault strike that many times, then clears it', () => {
    const board = new FaultBoard();
    board.set([{ name: 'throttle-poll', count: 2 }]);

    const strikes = [board.take('poll'), board.take('poll'), board.take('poll')];

    expect(strikes.map((s) => s?.name)).toEqual(['throttle-poll', 'throttle-poll', undefined]);
  });

  it('gives cae-on-poll one strike when no count is given, the others no limit', () => {
    const board = new FaultBoard();
    board.set(['cae-on-poll', 'throttle-start']);

    expect(board.list()).toEqual([{ name: 'cae-on-poll', count: 1 }, { name: 'throttle-start' }]);
  });

  it('only hands out a fault at its own stage, first set first', () => {
    const board = new FaultBoard();
    board.set(['throttle-start', 'poll-404', 'drop-poll']);

    expect(board.take('job')).toBeUndefined();
    expect(board.take('poll')?.name).toBe('poll-404');
    expect(board.take('start')?.name).toBe('throttle-start');
  });

  it('reads the CLI form name, name:count and slow-poll:count:delayMs', () => {
    expect(parseFaultList('stuck, throttle-start:2,slow-poll::300')).toEqual([
      { name: 'stuck' },
      { name: 'throttle-start', count: 2 },
      { name: 'slow-poll', delayMs: 300 },
    ]);
  });

  it('has a rule for every fault the brief names', () => {
    expect(FAULT_NAMES).toEqual(
      expect.arrayContaining([
        'challenge-loop',
        'cae-on-poll',
        'throttle-start',
        'throttle-poll',
        'unavailable-start',
        'unavailable-poll',
        'drop-start',
        'drop-poll',
        'conflict-start',
        'fail-null-error',
        'stuck',
        'canceled',
        'unknown-status',
        'poll-404',
        'slow-poll',
        'partial-write',
        'malformed-sas',
      ]),
    );
  });
});

describe('the key store', () => {
  it('creates, rotates and deletes keys, and snapshots are independent deep copies', () => {
    const store = new KeyStore();
    const first = store.create('k1');
    const second = store.rotate('k1');
    store.create('k2');
    store.delete('k2');

    const snapshot = store.snapshot();
    snapshot.k1[0].material = 'changed';

    expect(Object.keys(store.snapshot())).toEqual(['k1']);
    expect(store.snapshot().k1.map((v) => v.version)).toEqual([first, second]);
    expect(store.snapshot().k1[0].material).not.toBe('changed');
  });

  it('refuses to create a key twice, or to rotate or delete a missing one', () => {
    const store = new KeyStore();
    store.create('k1');

    expect(() => store.create('k1')).toThrow(/already exists/);
    expect(() => store.rotate('nope')).toThrow(/does not exist/);
    expect(() => store.delete('nope')).toThrow(/does not exist/);
    expect(() => store.create('bad name')).toThrow(/not valid/);
  });
});

describe('the emulator clock', () => {
  it('adds advanced time to the caller clock and refuses to go back', () => {
    const clock = createEmulatorClock(() => 1_000_000);
    clock.advance(2_500);

    expect(clock.nowMs()).toBe(1_002_500);
    expect(clock.nowEpochSeconds()).toBe(1_002);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
