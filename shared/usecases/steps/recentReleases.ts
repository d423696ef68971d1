import { releaseSettleMs } from "../../domain/recoveryTimes";

/**
 * How long a release is remembered: the cursor passes an order at the first sweep a settle time after its send
 * time (no later than that after its release), and a sweep may come up to the settle time after that.
 */
const rememberMs = 2 * releaseSettleMs;

/**
 * The orders this process released without a claim lately (`rememberMs`). The sweeper reads those
 * again while they are Registered (its cursor stays that far behind, for orders stored late), and an order
 * whose notification holds its status (domain/heldOrders.ts) stays Registered until its report: without this
 * memory, a sweep every two seconds would publish it again each time. Another process (a restart, the timer
 * moved to another instance) publishes it once more, and processing it again creates and sends nothing.
 */
export class RecentReleases {
  /** Release time by order id, oldest first (a Map keeps insertion order). */
  private readonly releasedAt = new Map<string, number>();

  /** Whether this process released the order lately (within `rememberMs` before `now`). */
  has(id: string, now: Date): boolean {
    const at = this.releasedAt.get(id);
    return at !== undefined && at > now.getTime() - rememberMs;
  }

  /** Remembers the orders as released at `now` (once their messages are published), forgetting old ones. */
  remember(ids: readonly string[], now: Date): void {
    const at = now.getTime();
    for (const [id, when] of this.releasedAt) {
      if (when > at - rememberMs) break;
      this.releasedAt.delete(id);
    }
    for (const id of ids) {
      this.releasedAt.delete(id);
      this.releasedAt.set(id, at);
    }
  }
}
