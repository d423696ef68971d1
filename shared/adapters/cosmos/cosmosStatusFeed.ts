import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { orderTypes } from "../../domain/order";
import { isAppError, transient } from "../../errors";
import type { StatusFeed, StatusFeedEntry, StatusFeedQuery } from "../../ports/statusFeed";
import { isCosmosStatus, mapCosmosError } from "./errors";

const entrySchema = z.object({
  sequenceNumber: z.number().int(),
  creator: z.string(),
  shipmentId: z.string(),
  sendersReference: z.string().optional(),
  shipmentType: z.enum(orderTypes),
  status: z.string(),
  lastUpdate: z.string(),
  recipients: z.array(z.object({ destination: z.string(), status: z.string(), lastUpdate: z.string() })),
  created: z.string(),
});

const counterSchema = z.object({ id: z.string(), value: z.number().int(), _etag: z.string() });
const counterId = "sequence";
const maxReserveAttempts = 50;

interface Waiter {
  resolve(sequenceNumber: number): void;
  reject(error: unknown): void;
}

/**
 * The status feed in the `statusFeed` container, one partition per tenant: entries carry a sequence number
 * from a per-tenant counter advanced under an ETag condition, so every read is single-partition. Appends
 * that arrive together in one process share one counter update (a block of numbers), so a busy tenant
 * does not contend with itself; other instances' updates are retried with jitter.
 */
export class CosmosStatusFeed implements StatusFeed {
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly counters = new Map<string, { value: number; etag: string }>();

  constructor(private readonly container: Container) {}

  private nextSequence(creator: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(creator);
      if (queue) {
        queue.push({ resolve, reject });
        return;
      }
      this.waiting.set(creator, [{ resolve, reject }]);
      void this.drain(creator);
    });
  }

  private async drain(creator: string): Promise<void> {
    for (let batch = this.take(creator); batch.length > 0; batch = this.take(creator)) {
      try {
        const first = await this.reserve(creator, batch.length);
        batch.forEach((waiter, index) => waiter.resolve(first + index));
      } catch (error) {
        batch.forEach((waiter) => waiter.reject(error));
      }
    }
    this.waiting.delete(creator);
  }

  private take(creator: string): Waiter[] {
    const queue = this.waiting.get(creator) ?? [];
    return queue.splice(0, queue.length);
  }

  /** Advances the tenant's counter by `count` and returns the first number of the reserved block. */
  private async reserve(creator: string, count: number): Promise<number> {
    for (let attempt = 0; attempt < maxReserveAttempts; attempt += 1) {
      try {
        const known = this.counters.get(creator) ?? (await this.readCounter(creator));
        const next = known.value + count;
        const { resource } = known.etag
          ? await this.container
              .item(counterId, creator)
              .replace(
                { id: counterId, creator, docType: "counter", value: next },
                { accessCondition: { type: "IfMatch", condition: known.etag } },
              )
          : await this.container.items.create({ id: counterId, creator, docType: "counter", value: next });
        this.counters.set(creator, { value: next, etag: counterSchema.parse(resource)._etag });
        return known.value + 1;
      } catch (error) {
        if (!isCosmosStatus(error, 412) && !isCosmosStatus(error, 409))
          throw mapCosmosError(error, "advance feed sequence");
        this.counters.delete(creator);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * (attempt + 1))));
      }
    }
    throw transient("advance feed sequence: too much contention on the tenant counter");
  }

  private async readCounter(creator: string): Promise<{ value: number; etag: string }> {
    const { resource } = await this.container.item(counterId, creator).read();
    if (!resource) return { value: 0, etag: "" };
    const counter = counterSchema.parse(resource);
    return { value: counter.value, etag: counter._etag };
  }

  async append(entry: Omit<StatusFeedEntry, "sequenceNumber">): Promise<void> {
    // One entry per (order, status): a repeated append collides on the id. It may leave a gap in the
    // sequence, which readers never notice, since the cursor is exclusive.
    const id = `${entry.shipmentId}:${entry.status}`;
    try {
      const sequenceNumber = await this.nextSequence(entry.creator);
      await this.container.items.create({ id, docType: "entry", ...entry, sequenceNumber });
    } catch (error) {
      if (isCosmosStatus(error, 409) || isAppError(error, "conflict")) return;
      throw mapCosmosError(error, "append status feed entry");
    }
  }

  async read(query: StatusFeedQuery): Promise<StatusFeedEntry[]> {
    const ascending = query.order === "Asc";
    const bound = ascending
      ? "c.sequenceNumber > @after"
      : query.after > 0
        ? "c.sequenceNumber < @after"
        : "true";
    try {
      const { resources } = await this.container.items
        .query(
          {
            query: `SELECT TOP @limit * FROM c WHERE c.creator = @creator AND c.docType = 'entry' AND ${bound} AND c.created < @cutoff ORDER BY c.sequenceNumber ${ascending ? "ASC" : "DESC"}`,
            parameters: [
              { name: "@creator", value: query.creator },
              { name: "@limit", value: query.pageSize },
              { name: "@after", value: query.after },
              { name: "@cutoff", value: query.writtenBefore.toISOString() },
            ],
          },
          { partitionKey: query.creator },
        )
        .fetchAll();
      return resources.map((r) => entrySchema.parse(r));
    } catch (error) {
      throw mapCosmosError(error, "read status feed");
    }
  }
}
