import { ConfigurationError } from '../../../shared/config/ConfigurationError';
import { loadConfig } from '../../../shared/config/loadConfig';

const azureSettings = {
  HSM_URL: 'https://contoso.managedhsm.azure.net',
  BACKUP_STORAGE_URL: 'https://contosobackups.blob.core.windows.net',
  BACKUP_CONTAINER: 'hsm-backups',
};

const retentionOf = (settings: Record<string, string>) =>
  loadConfig({ ...azureSettings, ...settings }).retention;

function refusal(settings: Record<string, string>): ConfigurationError {
  try {
    loadConfig({ ...azureSettings, ...settings });
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('retention settings', () => {
  it('default to keep-last 7, daily 7, weekly 4, monthly 12, with the limits', () => {
    expect(retentionOf({})).toEqual({
      policySource: 'default',
      keepLast: 7,
      keepDaily: 7,
      keepWeekly: 4,
      keepMonthly: 12,
      maxAgeDays: undefined,
      maxDeletionsPerRun: 10,
      cleanupGraceMs: 7 * 86_400_000,
      includeUnrecorded: false,
      dryRun: false,
    });
  });

  it('replace the default policy as a whole as soon as one RETENTION_KEEP_* is set', () => {
    const retention = retentionOf({ RETENTION_KEEP_DAILY: '14' });
    expect(retention).toMatchObject({ policySource: 'settings', keepDaily: 14 });
    expect(retention.keepLast).toBeUndefined();
    expect(retention.keepMonthly).toBeUndefined();
  });

  it('read every rule, unlimited counts, a window and the limits', () => {
    const retention = retentionOf({
      RETENTION_KEEP_LAST: '0',
      RETENTION_KEEP_HOURLY: '24',
      RETENTION_KEEP_DAILY: '7',
      RETENTION_KEEP_WEEKLY: '5',
      RETENTION_KEEP_MONTHLY: '12',
      RETENTION_KEEP_YEARLY: 'unlimited',
      RETENTION_KEEP_WITHIN: '36h',
      RETENTION_MAX_AGE_DAYS: '3650',
      RETENTION_MAX_DELETIONS_PER_RUN: '0',
      RETENTION_CLEANUP_GRACE: '2d',
      RETENTION_INCLUDE_UNRECORDED: 'true',
    });
    expect(retention).toEqual({
      policySource: 'settings',
      keepLast: 0,
      keepHourly: 24,
      keepDaily: 7,
      keepWeekly: 5,
      keepMonthly: 12,
      keepYearly: 'unlimited',
      keepWithinMs: 36 * 3_600_000,
      maxAgeDays: 3650,
      maxDeletionsPerRun: 0,
      cleanupGraceMs: 2 * 86_400_000,
      includeUnrecorded: true,
      dryRun: false,
    });
  });

  it('treat a blank value as unset', () => {
    expect(retentionOf({ RETENTION_KEEP_DAILY: ' ' }).policySource).toBe('default');
  });

  it.each([
    ['RETENTION_KEEP_DAILY', { RETENTION_KEEP_DAILY: 'seven' }, 'from 0 to 10000'],
    ['RETENTION_KEEP_WEEKLY', { RETENTION_KEEP_WEEKLY: '-1' }, '"unlimited"'],
    ['RETENTION_KEEP_HOURLY', { RETENTION_KEEP_HOURLY: '10001' }, 'from 0 to 10000'],
    ['RETENTION_KEEP_WITHIN', { RETENTION_KEEP_WITHIN: '14' }, 'duration such as'],
    ['RETENTION_KEEP_WITHIN', { RETENTION_KEEP_WITHIN: '30s' }, 'from 1m'],
    ['RETENTION_MAX_AGE_DAYS', { RETENTION_MAX_AGE_DAYS: '0' }, 'from 1 to 36500'],
    ['RETENTION_MAX_DELETIONS_PER_RUN', { RETENTION_MAX_DELETIONS_PER_RUN: 'ten' }, 'from 0'],
    ['RETENTION_CLEANUP_GRACE', { RETENTION_CLEANUP_GRACE: '10m' }, 'from 1h'],
    ['RETENTION_INCLUDE_UNRECORDED', { RETENTION_INCLUDE_UNRECORDED: 'yes' }, '"true" or'],
  ])('refuse a bad %s, naming it and the accepted form', (setting, change, phrase) => {
    const error = refusal(change);
    expect(error.settings).toEqual([setting]);
    expect(error.message).toContain(setting);
    expect(error.message).toContain(phrase);
  });

  it('refuse a lone rule set to 0, saying what would fix it', () => {
    const error = refusal({ RETENTION_KEEP_LAST: '0' });
    expect(error.settings).toContain('RETENTION_KEEP_LAST');
    expect(error.settings).toContain('RETENTION_KEEP_WITHIN');
    expect(error.message).toBe(
      'RETENTION_KEEP_LAST=0 turns off the only retention rule that is set, so the policy would ' +
        'keep nothing: RETENTION_KEEP_LAST must be a whole number from 1 to 10000 or ' +
        '"unlimited"; or set another RETENTION_KEEP_* rule; or unset every RETENTION_KEEP_* ' +
        'setting for the default policy (keep-last 7, daily 7, weekly 4, monthly 12).',
    );
  });

  it('refuse several rules all set to 0, naming them', () => {
    const error = refusal({ RETENTION_KEEP_DAILY: '0', RETENTION_KEEP_WEEKLY: '0' });
    expect(error.message).toMatch(
      new RegExp(
        '^The retention policy would keep nothing: ' +
          'RETENTION_KEEP_DAILY, RETENTION_KEEP_WEEKLY are all 0\\. ' +
          'Set at least one of RETENTION_KEEP_LAST, .* or RETENTION_KEEP_WITHIN ' +
          'to a duration such as 14d; or unset',
      ),
    );
  });

  it('report a bad count without also calling the policy empty', () => {
    const error = refusal({ RETENTION_KEEP_LAST: 'x' });
    expect(error.settings).toEqual(['RETENTION_KEEP_LAST']);
  });
});
