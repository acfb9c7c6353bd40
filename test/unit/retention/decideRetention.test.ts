import fc from 'fast-check';
import { decideRetention } from '../../../shared/retention/decideRetention';
import { retentionRules } from '../../../shared/retention/retentionRules';
import { candidateAt, day, histories, hour, policies } from './arbitraries';

const ids = (list: readonly { attemptId: string }[]) => list.map((b) => b.attemptId);
const keptIds = (decision: ReturnType<typeof decideRetention>) =>
  decision.keep.map((k) => k.backup.attemptId);

describe('the retention policy', () => {
  // One backup a day at 02:00 from Thu 2026-01-01 (index 0) for 40 days: the newest is
  // Mon 2026-02-09, the first day of ISO week 2026-W07.
  const nightly = Array.from({ length: 40 }, (_, i) => candidateAt((365 + i) * 24 * 60 + 120));
  const date = (attemptId: string) =>
    nightly
      .find((b) => b.attemptId === attemptId)
      ?.time.toISOString()
      .slice(0, 10);

  it('keeps the last 7 days and the newest of each of the last 4 ISO weeks', () => {
    const decision = decideRetention(nightly, { keepLast: 1, keepDaily: 7, keepWeekly: 4 });
    expect(keptIds(decision).map(date)).toEqual([
      '2026-02-09',
      '2026-02-08',
      '2026-02-07',
      '2026-02-06',
      '2026-02-05',
      '2026-02-04',
      '2026-02-03',
      '2026-02-01', // Sunday closing 2026-W05
      '2026-01-25', // Sunday closing 2026-W04
    ]);
  });

  it('says why it keeps each backup: floors first, then rules in table order', () => {
    const decision = decideRetention(nightly, { keepLast: 1, keepDaily: 7, keepWeekly: 4 });
    expect(decision.keep[0].reasons).toEqual([
      'newest successful backup',
      'one of the last 1',
      'daily: newest of 2026-02-09 (1 of 7)',
      'weekly: newest of 2026-W07 (1 of 4)',
    ]);
    expect(decision.keep[1].reasons).toEqual([
      'daily: newest of 2026-02-08 (2 of 7)',
      'weekly: newest of 2026-W06 (2 of 4)',
    ]);
    expect(decision.keep[8].rules).toEqual(['weekly']);
    expect(decision.removed[0].reason).toBe('no rule keeps it');
  });

  it('counts only periods that hold a backup, so a gap does not use up the dailies', () => {
    // Days 0, 1, 2, then nothing for 30 days, then day 33: daily 3 keeps days 33, 2 and 1.
    const gap = [0, 1, 2, 33].map((d) => candidateAt(d * 24 * 60));
    expect(ids(decideRetention(gap, { keepDaily: 3 }).remove)).toEqual(['a0']);
  });

  it('keeps the newest backup of a day, not the first', () => {
    const sameDay = [candidateAt(60), candidateAt(600), candidateAt(1380)];
    expect(keptIds(decideRetention(sameDay, { keepDaily: 1 }))).toEqual(['a1380']);
  });

  it('measures the window from the newest backup, not from the clock', () => {
    const stalled = [0, 10, 13, 14].map((d) => candidateAt(d * 24 * 60));
    const decision = decideRetention(stalled, { keepWithinMs: 4 * day });
    // Day 10 is exactly 4 days before day 14: kept; day 0 is not.
    expect(keptIds(decision)).toEqual(['a20160', 'a18720', 'a14400']);
  });

  it('applies the age cap over the rules but never to the floors', () => {
    const backups = [0, 20, 200].map((d) => candidateAt(d * 24 * 60));
    const decision = decideRetention(
      backups,
      { keepLast: 'unlimited' },
      {
        maxAgeMs: 150 * day,
        protectedFolders: [{ folder: backups[0].folder, reason: 'safety backup of a restore' }],
      },
    );
    expect(keptIds(decision)).toEqual(['a288000', 'a0']);
    expect(decision.keep[1].reasons[0]).toBe('protected: safety backup of a restore');
    expect(decision.removed[0].reason).toBe(
      'more than 150d older than the newest successful backup (age cap), although kept by last',
    );
    // Even a cap shorter than every age keeps the newest.
    expect(keptIds(decideRetention(backups, { keepLast: 1 }, { maxAgeMs: 0 }))).toEqual([
      'a288000',
    ]);
  });

  it.each([
    [{}, 'keeps nothing'],
    [{ keepLast: 0, keepDaily: 0 }, 'keeps nothing'],
    [{ keepDaily: -1 }, 'at least 0'],
    [{ keepDaily: 1.5 }, 'at least 0'],
  ])('refuses the policy %j', (policy, message) => {
    expect(() => decideRetention([candidateAt(0)], policy)).toThrow(message);
  });

  describe('for any history and policy', () => {
    it('keeps plus removes every backup exactly once, newest first', () => {
      fc.assert(
        fc.property(histories, policies, (backups, policy) => {
          const { keep, remove } = decideRetention(backups, policy);
          const all = [...keep.map((k) => k.backup), ...remove];
          expect(new Set(all).size).toBe(backups.length);
          expect(all.length).toBe(backups.length);
          for (const list of [keep.map((k) => k.backup), remove]) {
            const times = list.map((b) => b.time.getTime());
            expect(times).toEqual([...times].sort((a, b) => b - a));
          }
        }),
      );
    });

    it('always keeps the newest backup, and gives a reason for every kept one', () => {
      fc.assert(
        fc.property(histories, policies, (backups, policy) => {
          const { keep } = decideRetention(backups, policy, { maxAgeMs: 0 });
          if (backups.length > 0) expect(keep[0]?.backup).toBe(backups[backups.length - 1]);
          expect(keep.every((k) => k.reasons.length > 0)).toBe(true);
        }),
      );
    });

    it('removes nothing more when applied to what it kept', () => {
      fc.assert(
        fc.property(
          histories,
          policies,
          fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
          (backups, policy, maxAgeDays) => {
            const options = { maxAgeMs: maxAgeDays === undefined ? undefined : maxAgeDays * day };
            const kept = decideRetention(backups, policy, options).keep.map((k) => k.backup);
            expect(decideRetention(kept, policy, options).remove).toEqual([]);
          },
        ),
      );
    });

    it('keeps no more per rule than its count, and exactly that many when it can', () => {
      fc.assert(
        fc.property(histories, policies, (backups, policy) => {
          const { keep } = decideRetention(backups, policy);
          for (const rule of retentionRules) {
            if (rule.kind !== 'bucket') continue;
            const count = policy[rule.field] ?? 0;
            const buckets = new Set(backups.map(rule.bucketOf)).size;
            const keptByRule = keep.filter((k) => k.rules.includes(rule.name)).length;
            expect(keptByRule).toBe(count === 'unlimited' ? buckets : Math.min(count, buckets));
          }
        }),
      );
    });

    it('keeps every backup inside the window and none outside it by that rule', () => {
      fc.assert(
        fc.property(histories, fc.integer({ min: 1, max: 90 * 24 }), (backups, hours) => {
          const { keep } = decideRetention(backups, { keepWithinMs: hours * hour });
          const newest = backups[backups.length - 1]?.time.getTime() ?? 0;
          const inside = backups.filter((b) => newest - b.time.getTime() <= hours * hour);
          expect(ids(keep.map((k) => k.backup)).reverse()).toEqual(ids(inside));
        }),
      );
    });

    it('leaves the same backups when pruning after every backup as when pruning once', () => {
      fc.assert(
        fc.property(
          histories,
          policies,
          fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
          (backups, policy, maxAgeDays) => {
            const options = { maxAgeMs: maxAgeDays === undefined ? undefined : maxAgeDays * day };
            let store: typeof backups = [];
            for (const backup of backups) {
              store = decideRetention([...store, backup], policy, options).keep.map(
                (k) => k.backup,
              );
            }
            const once = keptIds(decideRetention(backups, policy, options));
            expect(ids(store).sort()).toEqual(once.sort());
          },
        ),
      );
    });
  });
});
