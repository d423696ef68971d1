import type { Clock } from "../ports/clock";

/**
 * Local mode's clock: the system time shifted by an offset, or frozen at an instant, so a developer or an
 * end-to-end test can see what happens on a Saturday evening or after Easter without waiting for it.
 */
export class ControllableClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  constructor(options: { offsetSeconds?: number; fixedAt?: string } = {}) {
    this.offsetMs = (options.offsetSeconds ?? 0) * 1000;
    if (options.fixedAt) this.frozenAt = Date.parse(options.fixedAt);
  }

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  /** Freezes time at the instant. */
  freeze(at: Date | string): void {
    this.frozenAt = new Date(at).getTime();
  }

  /** Moves time forward (frozen or running). */
  advance(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }
}
