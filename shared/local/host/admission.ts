/**
 * Bounds how many function invocations run at once. Requests beyond `maxActive` wait their turn (first come,
 * first served); one is turned away only when `maxWaiting` are waiting already or it has waited `maxWaitMs`.
 * So a burst of a thousand connections is answered, a little later, instead of a thousand handlers competing
 * for the store at once; and the answer to a client that cannot be served is a 503, never a dropped connection.
 */
export interface AdmissionLimits {
  maxActive: number;
  maxWaiting: number;
  /** Infinity: a waiter waits its turn however long it takes. */
  maxWaitMs: number;
}

interface Waiter {
  admit(): void;
  timer: NodeJS.Timeout | undefined;
}

export class AdmissionGate {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  /** Resolves true when the caller may run (it must call `leave()` after), false when it is turned away. */
  enter(): Promise<boolean> {
    if (this.active < this.limits.maxActive) {
      this.active += 1;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.limits.maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        admit: () => resolve(true),
        timer: Number.isFinite(this.limits.maxWaitMs)
          ? setTimeout(() => {
              const at = this.waiting.indexOf(waiter);
              if (at >= 0) this.waiting.splice(at, 1);
              resolve(false);
            }, this.limits.maxWaitMs)
          : undefined,
      };
      this.waiting.push(waiter);
    });
  }

  /** Hands the place to the longest waiter, if any. */
  leave(): void {
    const next = this.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.admit();
    } else {
      this.active -= 1;
    }
  }

  stats(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}
