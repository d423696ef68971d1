import type { OrderDocument } from "../../domain/order";
import type { Publisher } from "../../ports/publisher";
import { publishReleases } from "./claimAndPublish";

interface Waiting {
  orders: OrderDocument[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Publishes the orders that requests release at intake. While one publish is in flight, the orders other
 * requests claim gather and go out together in the next one, so requests that arrive together share process
 * messages (and their sends share send messages) instead of taking two messages per order. A lone request
 * is published at once, as before: nothing waits for a timer.
 */
export class ReleaseGathering {
  private waiting: Waiting[] = [];
  private draining = false;

  constructor(private readonly publisher: Publisher) {}

  /** Resolves once the orders are published; rejects with the publish's error (the sweeper then has them). */
  publish(orders: OrderDocument[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ orders, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.waiting.length > 0) {
      const taken = this.waiting.splice(0);
      try {
        await publishReleases(
          this.publisher,
          taken.flatMap((w) => w.orders),
        );
        for (const waiting of taken) waiting.resolve();
      } catch (error) {
        for (const waiting of taken) waiting.reject(error);
      }
    }
    this.draining = false;
  }
}

const gatherings = new WeakMap<Publisher, ReleaseGathering>();

/** The one gathering of this process for a publisher, shared by every request that uses it. */
export function releaseGatheringFor(publisher: Publisher): ReleaseGathering {
  const known = gatherings.get(publisher);
  if (known) return known;
  const created = new ReleaseGathering(publisher);
  gatherings.set(publisher, created);
  return created;
}
