/**
 * The app's idea of "now" outside orchestrations (which use `currentUtcDateTime`). In Azure it is
 * the system clock. The local sandbox can run the app on simulated time (days passing between
 * cycles) by installing its own clock before the app handles anything.
 *
 * SAS validity is the one thing that must stay on the real clock, because storage checks it
 * against real time: SAS minting reads `Date` directly, not this.
 */
let source: () => number = () => Date.now();

export function now(): Date {
  return new Date(source());
}

/** For local runs only: the sandbox's simulated clock. */
export function useClock(clock: () => number): void {
  source = clock;
}
