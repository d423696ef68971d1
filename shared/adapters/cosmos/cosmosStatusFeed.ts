import { BulkOperationType, type Container } from "@azure/cosmos";
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
/** Entries one transactional batch carries (the Cosmos limit). */
const maxEntriesPerBatch = 100;

interface Waiting {
  entry: NewStatusFeedEntry;
  resolve(appended: boolean): void;
  reject(error: unknown): void;
}

/**
 * The status feed in the `statusFeed` container, one partition per tenant. Each entry's id is its
 * (order, status), so an entry is appended once; its sequence number is unique in the tenant's partition
 * (a unique key), and a writer takes the number after the highest one it has seen committed. A create
 * therefore succeeds only for the number right after the last committed one: entries become readable in
 * sequence order with no gap, and a reader can never pass a number whose entry is still being written.
 * Appends of one tenant are serialised within a process, so it does not contend with itself, and those that
 * arrive together are written in one transactional batch.
 */
export class CosmosStatusFeed implements StatusFeed {
  private readonly queued = new Map<string, Waiting[]>();
  private readonly highest = new Map<string, { value: number; readAt: number }>();

  constructor(private readonly container: Container) {}

  append(entry: NewStatusFeedEntry): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const queue = this.queued.get(entry.creator);
      if (queue) {
        queue.push({ entry, resolve, reject });
        return;
      }
      this.queued.set(entry.creator, [{ entry, resolve, reject }]);
      void this.drain(entry.creator);
    });
  }

  /** Writes the tenant's queued entries, up to a batch at a time, until none is left. */
  private async drain(creator: string): Promise<void> {
    for (let queue = this.queued.get(creator) ?? []; queue.length > 0;) {
      const taken = queue.splice(0, maxEntriesPerBatch);
      try {
        const outcomes = await this.writeMany(
          creator,
          taken.map((w) => w.entry),
        );
        taken.forEach((waiting, index) => waiting.resolve(outcomes[index] ?? false));
      } catch (error) {
        taken.forEach((waiting) => waiting.reject(error));
      }
    }
    this.queued.delete(creator);
  }

  /**
   * Creates the entries under the next numbers in one transactional batch: on Cosmos all or none are created,
   * and the embedded server stops at the first failure, so either way what was created is a run of numbers
   * right after the last committed one. What was not created is written one by one (`write`).
   */
  private async writeMany(creator: string, entries: NewStatusFeedEntry[]): Promise<boolean[]> {
    const [only] = entries;
    if (only && entries.length === 1) return [await this.write(only)];
    const first = (await this.knownHighest(creator)) + 1;
    const operations = entries.map((entry, index) => ({
      operationType: BulkOperationType.Create,
      resourceBody: {
        id: entryId(entry.shipmentId, entry.status),
        docType: "entry",
        ...entry,
        sequenceNumber: first + index,
      },
    }));
    let created = 0;
    try {
      const { result } = await this.container.items.batch(operations, creator);
      while (created < entries.length && result?.[created]?.statusCode === 201) created += 1;
    } catch (error) {
      if (!isCosmosStatus(error, 409) && !isCosmosStatus(error, 424))
        throw mapCosmosError(error, "append status feed entries");
    }
    if (created > 0) this.highest.set(creator, { value: first + created - 1, readAt: Date.now() });
    const outcomes = entries.slice(0, created).map(() => true);
    for (const entry of entries.slice(created)) outcomes.push(await this.write(entry));
    return outcomes;
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
