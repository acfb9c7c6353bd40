import fc from 'fast-check';
import { planRetention } from '../../../shared/retention/planRetention';
import type { RetentionRecord } from '../../../shared/retention/RetentionRecord';
import { day, minute, policies } from './arbitraries';
import {
  at,
  failedJob,
  folderAt,
  jobFolder,
  refusedAsBusy,
  succeeded,
  unknown,
} from './ledgerRows';

const kinds = ['ok', 'ok', 'ok', 'pruned', 'held', 'failed', 'busy', 'unknown'] as const;

/** A ledger of up to 40 daily attempts, which job folders are in the container, and strays. */
const ledgers = fc.record({
  days: fc.array(fc.record({ kind: fc.constantFrom(...kinds), folderLeft: fc.boolean() }), {
    maxLength: 40,
  }),
  strays: fc.uniqueArray(fc.integer({ min: -2 * 24 * 60, max: 42 * 24 * 60 }), { maxLength: 6 }),
  protectDay: fc.option(fc.nat(40), { nil: undefined }),
});

const limits = fc.record({
  maxDeletionsPerRun: fc.integer({ min: 0, max: 12 }),
  cleanupGraceMs: fc.integer({ min: 1, max: 10 }).map((d) => d * day),
  includeUnrecorded: fc.boolean(),
  maxAgeDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
});

function build(ledger: typeof ledgers extends fc.Arbitrary<infer T> ? T : never) {
  const records: RetentionRecord[] = [];
  const folders = new Set<string>();
  ledger.days.forEach(({ kind, folderLeft }, i) => {
    if (kind === 'ok' || kind === 'held') {
      records.push(succeeded(i, kind === 'held' ? { heldCode: 'BlobImmutableDueToPolicy' } : {}));
      if (folderLeft || kind === 'held') folders.add(jobFolder(i));
    } else if (kind === 'pruned') {
      records.push(succeeded(i, { prunedAt: at(i + 1) }));
    } else {
      records.push(
        kind === 'failed' ? failedJob(i) : kind === 'busy' ? refusedAsBusy(i) : unknown(i),
      );
      if (folderLeft) folders.add(jobFolder(i));
    }
  });
  for (const offset of ledger.strays) folders.add(folderAt(at(0, offset * minute)));
  return { records, folders: [...folders] };
}

describe('the retention plan, for any ledger and container', () => {
  it('keeps its promises', () => {
    fc.assert(
      fc.property(ledgers, policies, limits, (ledger, policy, limit) => {
        const { records, folders } = build(ledger);
        const protectedFolders =
          ledger.protectDay === undefined
            ? []
            : [{ folder: jobFolder(ledger.protectDay), reason: 'safety backup' }];
        const settings = { ...policy, ...limit, policySource: 'settings' as const };
        const plan = planRetention({
          hsmName: 'contoso',
          records,
          containerFolders: folders,
          settings,
          backupDeadlineMs: 6 * 3_600_000,
          protectedFolders,
        });
        const going = plan.entries.filter((e) => e.action === 'delete' || e.action === 'defer');

        // Every folder in the container is judged exactly once; every live row appears.
        for (const folder of folders) {
          expect(plan.entries.filter((e) => e.folder === folder)).toHaveLength(1);
        }
        const live = records.filter((r) => !r.prunedAt).map((r) => r.attemptId);
        expect(new Set(plan.entries.flatMap((e) => e.attemptId ?? []))).toEqual(new Set(live));
        expect(plan.entries.every((e) => e.reasons.length > 0)).toBe(true);

        // Floors, uncertain folders and (unless included) unrecorded ones never go.
        const successes = records.filter((r) => r.status === 'Succeeded' && !r.prunedAt);
        const newest = successes[successes.length - 1]?.folder;
        for (const entry of going) {
          expect(entry.folder).not.toBe(newest);
          expect(protectedFolders.map((p) => p.folder)).not.toContain(entry.folder);
          expect(['backup', 'failed', 'unrecorded']).toContain(entry.kind);
          if (entry.kind === 'unrecorded') expect(settings.includeUnrecorded).toBe(true);
          if (entry.kind !== 'backup') {
            const age = (plan.referenceTime?.getTime() ?? 0) - entry.time.getTime();
            expect(age).toBeGreaterThanOrEqual(settings.cleanupGraceMs);
          }
        }
        if (!newest) expect(going).toEqual([]);

        // The cap: what goes now is the oldest of what is due, held folders last.
        expect(plan.deletions.length).toBeLessThanOrEqual(settings.maxDeletionsPerRun);
        expect(plan.deletions).toEqual(
          plan.entries
            .filter((e) => e.action === 'delete')
            .sort((a, b) => Number(!!a.heldCode) - Number(!!b.heldCode) || +a.time - +b.time),
        );
        expect(plan.deferred).toBe(going.length - plan.deletions.length);
      }),
      { numRuns: 300 },
    );
  });
});
