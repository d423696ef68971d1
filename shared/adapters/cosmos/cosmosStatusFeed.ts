import { BulkOperationType, type Container, type ItemDefinition } from "@azure/cosmos";
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
import { defaultRetentionRules, neverExpires, type RetentionRules } from "../../domain/retention";

const entrySchema = z.object({
  sequenceNumber: z.number().int(),
  creator: z.string(),
  shipmentId: z.string(),
  sendersReference: z.string().optional(),
  shipmentType: z.enum(orderTypes),
  status: z.string(),
  lastUpdate: z.string(),
  recipients: z.array(z.object({ destination: z.string(), status: z.string(), lastUpdate: z.string() })),
  recipientsOmitted: z.boolean().optional(),
  created: z.string(),
});

/** A known sequence number is trusted this long; then the tenant's highest is read again. */
const knownSequenceMs = 60_000;
/** Conflicts in a row after which the highest number is read instead of climbing one by one. */
const climbBeforeRead = 3;
const maxAttempts = 200;

const entryId = (shipmentId: string, status: string) => `${shipmentId}:${status}`;
/** Entries one transactional batch carries (the Cosmos limit, less the sequence marker). */
const maxEntriesPerBatch = 99;
/**
 * A floor under the tenant's sequence numbers, kept without expiry: entries expire (retention), and a tenant
 * quiet for longer than the retention must not number new entries from 1 again, below its readers' cursors.
 * `highest` is at least the highest number the tenant has used: it is moved `reservedNumbers` ahead of the
 * entries whenever they pass it, so most appends do not write it (a write per entry doubled the feed's
 * writes). Numbering follows the highest entry while one exists, and starts above the floor once all expired.
 * It has no `sequenceNumber`, so the unique key lets it be the only such document in the partition.
 */
const markerId = "sequence";
const markerSchema = z.object({ highest: z.number().int() });
const reservedNumbers = 1000;

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
  /** Each tenant's marker as last read or written here: numbers up to it need no marker write. */
  private readonly floors = new Map<string, number>();

  constructor(
    private readonly container: Container,
    private readonly retention: RetentionRules = defaultRetentionRules,
  ) {}

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
    const created = await this.createNumbered(creator, entries, first);
    const outcomes = entries.slice(0, created).map(() => true);
    for (const entry of entries.slice(created)) outcomes.push(await this.write(entry));
    return outcomes;
  }

  /**
   * Creates the entries under the numbers from `first` in one transactional batch, with the tenant's marker
   * moved ahead of the last one when they pass it (the marker last, so it is written only when every entry
   * was). Returns how many entries were created, counted from the first.
   */
  private async createNumbered(
    creator: string,
    entries: NewStatusFeedEntry[],
    first: number,
  ): Promise<number> {
    const retention = this.retention.statusFeedEntry();
    const last = first + entries.length - 1;
    const floor = last > (this.floors.get(creator) ?? 0) ? last + reservedNumbers : undefined;
    const operations = [
      ...entries.map(({ traceparent: _trace, ...entry }, index) => ({
        operationType: BulkOperationType.Create,
        resourceBody: {
          id: entryId(entry.shipmentId, entry.status),
          docType: "entry",
          ...entry,
          sequenceNumber: first + index,
          ...retention,
        },
      })),
      ...(floor === undefined
        ? []
        : [
            {
              operationType: BulkOperationType.Upsert,
              partitionKey: creator,
              resourceBody: { id: markerId, docType: "sequence", creator, highest: floor, ttl: neverExpires },
            },
          ]),
    ];
    let statuses: number[] = [];
    try {
      const { result } = await this.container.items.batch(operations, creator);
      statuses = (result ?? []).map((r) => r.statusCode);
    } catch (error) {
      if (!isCosmosStatus(error, 409) && !isCosmosStatus(error, 424))
        throw mapCosmosError(error, "append status feed entries");
    }
    let created = 0;
    while (created < entries.length && statuses[created] === 201) created += 1;
    // A taken number or id (409) is the caller's to resolve; anything else (throttling, …) fails the append.
    const failed = statuses[created];
    if (created < entries.length && failed !== undefined && failed !== 409 && failed !== 424)
      throw mapCosmosError({ statusCode: failed }, "append status feed entries");
    if (created > 0) this.highest.set(creator, { value: first + created - 1, readAt: Date.now() });
    const markerWritten = statuses[entries.length] === 200 || statuses[entries.length] === 201;
    if (floor !== undefined && markerWritten) this.floors.set(creator, floor);
    return created;
  }

  private async write(entry: NewStatusFeedEntry): Promise<boolean> {
    let sequenceNumber = (await this.knownHighest(entry.creator)) + 1;
    for (let attempt = 0, conflicts = 0; attempt < maxAttempts; attempt += 1) {
      if ((await this.createNumbered(entry.creator, [entry], sequenceNumber)) === 1) return true;
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
      const { resource: marker } = await this.container.item(markerId, creator).read<ItemDefinition>();
      const floor = marker === undefined ? 0 : markerSchema.parse(marker).highest;
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
      // The marker runs ahead of the entries: it numbers only a tenant whose entries all expired.
      const value = resources[0] ?? floor;
      this.floors.set(creator, floor);
      this.highest.set(creator, { value, readAt: Date.now() });
      return value;
    } catch (error) {
      throw mapCosmosError(error, "read the status feed's highest sequence number");
    }
  }

  async has(creator: string, shipmentId: string, status: string): Promise<boolean> {
    try {
      const { resource } = await this.container
        .item(entryId(shipmentId, status), creator)
        .read<ItemDefinition>();
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
    const statuses = query.statuses ? "AND ARRAY_CONTAINS(@statuses, c.status)" : "";
    try {
      const { resources } = await this.container.items
        .query(
          {
            query: `SELECT TOP @limit * FROM c WHERE c.creator = @creator AND c.docType = 'entry' AND ${bound} ${statuses} ORDER BY c.sequenceNumber ${ascending ? "ASC" : "DESC"}`,
            parameters: [
              { name: "@creator", value: query.creator },
              { name: "@limit", value: query.pageSize },
              { name: "@after", value: query.after },
              ...(query.statuses ? [{ name: "@statuses", value: [...query.statuses] }] : []),
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
