/**
 * Counts work in flight (function invocations, queued or running orchestrator turns) so callers
 * can wait until the host has nothing left to do. Pending timers are not work in flight.
 */
export class BusyTracker {
  #count = 0;
  #waiters: (() => void)[] = [];

  begin(): void {
    this.#count++;
  }

  end(): void {
    this.#count--;
    if (this.#count === 0) this.#settleSoon();
  }

  async track<T>(work: Promise<T>): Promise<T> {
    this.begin();
    try {
      return await work;
    } finally {
      this.end();
    }
  }

  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      if (this.#count === 0) this.#settleSoon();
    });
  }

  /**
   * Resolves waiters only if nothing new started in the meantime (follow-up work registers late).
   */
  #settleSoon(): void {
    setImmediate(() => {
      if (this.#count !== 0) return;
      const waiters = this.#waiters;
      this.#waiters = [];
      waiters.forEach((resolve) => resolve());
    });
  }
}
