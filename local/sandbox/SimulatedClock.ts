/**
 * The sandbox's clock: real time plus an offset that only ever grows, so that cycles can run "a
 * day apart" in seconds. The emulated HSM, the local host and the app all read it; storage keeps
 * real time (SAS validity is checked there against the real clock).
 */
export class SimulatedClock {
  private offsetMs = 0;

  readonly now = (): number => Date.now() + this.offsetMs;

  /** Jumps forward to `target`; never backwards. */
  jumpTo(target: Date): void {
    this.offsetMs = Math.max(this.offsetMs, target.getTime() - Date.now());
  }

  get isSimulated(): boolean {
    return this.offsetMs !== 0;
  }
}
