import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../../shared/config/ConfigurationError';
import { loadConfig } from '../../shared/config/loadConfig';

const base: Record<string, string> = {
  HSM_URL: 'https://contoso.managedhsm.azure.net',
  BACKUP_STORAGE_URL: 'https://contosobackups.blob.core.windows.net',
  BACKUP_CONTAINER: 'hsm-backups',
};

/** Every setting the README documents, from its settings tables. */
const documented = [
  ...new Set(
    [
      ...readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').matchAll(
        /^\| `([A-Z][A-Z0-9_]+)`/gm,
      ),
    ].map((m) => m[1]),
  ),
];

describe('every setting fed wrong values', () => {
  it('knows the documented settings', () => {
    expect(documented).toEqual(
      expect.arrayContaining(['HSM_URL', 'BACKUP_SCHEDULE', 'RESTORE_MAX_BACKUP_AGE_MINUTES']),
    );
  });

  it.each(documented)('%s: a bad value is refused naming it, or read; never a crash', (name) => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '-1',
        '0',
        '1e9',
        'NaN',
        'true ',
        'yes',
        '*',
        '99999999999',
        'https://x',
        '%%',
        '0 0 2',
        '1d2',
      ),
    );
    fc.assert(
      fc.property(garbage, (value) => {
        try {
          loadConfig({ ...base, [name]: value });
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigurationError);
          const refused = error as ConfigurationError;
          expect(refused.message.length).toBeGreaterThan(10);
          expect(refused.settings.length).toBeGreaterThan(0);
          // The setting fed the bad value is among those named (or the value left another
          // required combination incomplete, which names that setting instead).
          if (!refused.settings.includes(name)) {
            expect(refused.message).toMatch(/[A-Z_]{4,}/);
          }
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
