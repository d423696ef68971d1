import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { orderTypes } from "../../domain/order";
import { transient } from "../../errors";
import type {
  NewStatusFeedEntry,
  StatusFeed,
  StatusFeedEntry,
  StatusFeedQuery,
} from "../../ports/statusFeed";
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

/** A known sequence number is trusted this long; then the tenant's highest is read again. */
const knownSequenceMs = 60_000;
/** Conflicts in a row after which the highest number is read instead of climbing one by one. */
const climbBeforeRead = 3;
const maxAttempts = 200;

const entryId = (shipmentId: string, status: string) => `${shipmentId}:${status}`;

/**
 * The status feed in the `statusFeed` container, one partition per tenant. Each entry's id is its
 * (order, status), so an entry is appended once; its sequence number is unique in the tenant's partition
 * (a unique key), and a writer takes the number after the highest one it has seen committed. A create
 * therefore succeeds only for the number right after the last committed one: entries become readable in
 * sequence order with no gap, and a reader can never pass a number whose entry is still being written.
 * Appends of one tenant are serialised within a process, so it does not contend with itself.
 */
export class CosmosStatusFeed implements StatusFeed {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly highest = new Map<string, { value: number; readAt: number }>();

  constructor(private readonly container: Container) {}

  append(entry: NewStatusFeedEntry): Promise<boolean> {
    const previous = this.tails.get(entry.creator) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.write(entry));
    const tail = next.catch(() => undefined);
    this.tails.set(entry.creator, tail);
    void tail.then(() => {
      if (this.tails.get(entry.creator) === tail) this.tails.delete(entry.creator);
    });
    return next;
  }

  private async write(entry: NewStatusFeedEntry): Promise<boolean> {
    const id = entryId(entry.shipmentId, entry.status);
    let sequenceNumber = (await this.knownHighest(entry.creator)) + 1;
    for (let attempt = 0, conflicts = 0; attempt < maxAttempts; attempt += 1) {
      try {
        await this.container.items.create({ id, docType: "entry", ...entry, sequenceNumber });
        this.highest.set(entry.creator, { value: sequenceNumber, readAt: Date.now() });
        return true;
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw mapCosmosError(error, "append status feed entry");
      }
      // Either this change is already in the feed (its id exists) or the number was taken.
      if (await this.has(entry.creator, entry.shipmentId, entry.status)) return false;
      conflicts += 1;
      if (conflicts >= climbBeforeRead) {
        this.highest.delete(entry.creator);
        sequenceNumber = (await this.knownHighest(entry.creator)) + 1;
        conflicts = 0;
      } else {
        sequenceNumber += 1;
      }
    }
    throw transient("append status feed entry: too much contention on the tenant's sequence");
  }

  private async knownHighest(creator: string): Promise<number> {
    const known = this.highest.get(creator);
    if (known && Date.now() - known.readAt < knownSequenceMs) return known.value;
    try {
      const { resources } = await this.container.items
        .query<number>(
          {
            query:
              "SELECT TOP 1 VALUE c.sequenceNumber FROM c WHERE c.creator = @creator AND c.docType = 'entry' ORDER BY c.sequenceNumber DESC",
            parameters: [{ name: "@creator", value: creator }],
          },
          { partitionKey: creator },
        )
        .fetchAll();
      const value = resources[0] ?? 0;
      this.highest.set(creator, { value, readAt: Date.now() });
      return value;
    } catch (error) {
      throw mapCosmosError(error, "read the status feed's highest sequence number");
    }
  }

  async has(creator: string, shipmentId: string, status: string): Promise<boolean> {
    try {
      const { resource } = await this.container.item(entryId(shipmentId, status), creator).read();
      return resource !== undefined;
    } catch (error) {
      throw mapCosmosError(error, "read status feed entry");
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
            query: `SELECT TOP @limit * FROM c WHERE c.creator = @creator AND c.docType = 'entry' AND ${bound} ORDER BY c.sequenceNumber ${ascending ? "ASC" : "DESC"}`,
            parameters: [
              { name: "@creator", value: query.creator },
              { name: "@limit", value: query.pageSize },
              { name: "@after", value: query.after },
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
