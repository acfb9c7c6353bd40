import fc from 'fast-check';
import { decideRetention, type RetentionCandidate } from '../../shared/retention/decideRetention';

const day = 86_400_000;
const backup = (n: number): RetentionCandidate => ({
  attemptId: `a${n}`,
  folder: `mhsm-x-${n}`,
  time: new Date(Date.UTC(2026, 0, 1) + n * day),
});

describe('keep-last retention', () => {
  it.each([
    [5, 2, ['a4', 'a3'], ['a2', 'a1', 'a0']],
    [3, 7, ['a2', 'a1', 'a0'], []],
    [1, 1, ['a0'], []],
    [0, 3, [], []],
  ])(
    'with %i backups and keep-last %i keeps %j and removes %j',
    (count, keepLast, kept, removed) => {
      const decision = decideRetention(
        Array.from({ length: count }, (_, i) => backup(i)),
        { keepLast },
      );
      expect(decision.keep.map((k) => k.backup.attemptId)).toEqual(kept);
      expect(decision.remove.map((r) => r.attemptId)).toEqual(removed);
    },
  );

  it('says why it keeps each backup', () => {
    const decision = decideRetention([backup(0), backup(1)], { keepLast: 2 });
    expect(decision.keep[0].reasons).toEqual(['newest successful backup', 'one of the last 2']);
    expect(decision.keep[1].reasons).toEqual(['one of the last 2']);
  });

  it('refuses a policy that would keep nothing', () => {
    expect(() => decideRetention([backup(0)], { keepLast: 0 })).toThrow(RangeError);
  });

  it('holds its invariants for any history and policy', () => {
    const history = fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 60 });
    fc.assert(
      fc.property(history, fc.integer({ min: 1, max: 20 }), (days, keepLast) => {
        const backups = days.map(backup);
        const { keep, remove } = decideRetention(backups, { keepLast });
        // kept + removed = all, with no backup in both
        const ids = [...keep.map((k) => k.backup.attemptId), ...remove.map((r) => r.attemptId)];
        expect(new Set(ids).size).toBe(backups.length);
        expect(ids.length).toBe(backups.length);
        // the newest successful backup is always kept, and every kept backup has a reason
        if (backups.length > 0) {
          const newest = backups.reduce((a, b) => (a.time > b.time ? a : b));
          expect(keep.map((k) => k.backup)).toContain(newest);
        }
        expect(keep.every((k) => k.reasons.length > 0)).toBe(true);
        expect(keep.length).toBe(Math.min(keepLast, backups.length));
        // applying the policy to what it kept removes nothing more
        expect(
          decideRetention(
            keep.map((k) => k.backup),
            { keepLast },
          ).remove,
        ).toEqual([]);
      }),
    );
  });
});
