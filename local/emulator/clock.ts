/**
 * The emulator's sense of time: the caller's clock plus an offset that only grows, so a sandbox
 * can make days pass for the HSM (folder names, job times) while storage keeps real time.
 */
export interface EmulatorClock {
  nowMs(): number;
  nowEpochSeconds(): number;
  advance(ms: number): void;
}

export function createEmulatorClock(now: () => number = Date.now): EmulatorClock {
  let offsetMs = 0;
  const nowMs = (): number => now() + offsetMs;
  return {
    nowMs,
    nowEpochSeconds: () => Math.floor(nowMs() / 1000),
    advance(ms: number): void {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`advanceClock takes a finite, non-negative number of ms; got ${ms}.`);
      }
      offsetMs += ms;
    },
  };
}
