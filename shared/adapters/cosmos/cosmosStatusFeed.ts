import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { isAppError, transient } from "../../errors";
import type { StatusFeed, StatusFeedEntry, StatusFeedQuery } from "../../ports/statusFeed";
import { isCosmosStatus, mapCosmosError } from "./errors";

const entrySchema = z.object({
  sequenceNumber: z.number().int(),
  creator: z.string(),
  shipmentId: z.string(),
  sendersReference: z.string().optional(),
  shipmentType: z.enum(["Notification", "Reminder", "Instant"]),
  status: z.string(),
  lastUpdate: z.string(),
  recipients: z.array(z.object({ destination: z.string(), status: z.string(), lastUpdate: z.string() })),
  created: z.string(),
});

const counterSchema = z.object({ id: z.string(), value: z.number().int(), _etag: z.string() });
const counterId = "sequence";

/**
 * The status feed in the `statusFeed` container, one partition per tenant: entries carry a sequence number
 * from a per-tenant counter advanced under an ETag condition, so every read is single-partition.
 */
export class CosmosStatusFeed implements StatusFeed {
  constructor(private readonly container: Container) {}

  private async nextSequence(creator: string): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      try {
        const { resource } = await this.container.item(counterId, creator).read();
        if (!resource) {
          await this.container.items.create({ id: counterId, creator, docType: "counter", value: 1 });
          return 1;
        }
        const counter = counterSchema.parse(resource);
        await this.container
          .item(counterId, creator)
          .replace(
            { id: counterId, creator, docType: "counter", value: counter.value + 1 },
            { accessCondition: { type: "IfMatch", condition: counter._etag } },
          );
        return counter.value + 1;
      } catch (error) {
        if (!isCosmosStatus(error, 412) && !isCosmosStatus(error, 409))
          throw mapCosmosError(error, "advance feed sequence");
      }
    }
    throw transient("advance feed sequence: too much contention on the tenant counter");
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
