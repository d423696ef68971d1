import type { Container, ItemDefinition, SqlQuerySpec } from "@azure/cosmos";
import { z } from "zod";
import { orderDocumentSchema } from "../../domain/order";
import type { NewOrder, OrderDocument } from "../../domain/order";
import { defaultRetentionRules, type RetentionRules } from "../../domain/retention";
import { releaseCursorSchema, type ReleaseCursorState } from "../../domain/releaseCursor";
import type { CreateOutcome, OrderStore, ReleaseCursor, ReleaseRange } from "../../ports/orderStore";
import type { SweepPage } from "../../ports/sweepPage";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { isRecord } from "../../narrowing";
import { replaceIfUnchanged } from "./replaceIfUnchanged";
import { quarantineDocument, sweepPageOf } from "./sweepPage";

async function createIfAbsent(container: Container, document: object, what: string): Promise<CreateOutcome> {
  try {
    await container.items.create(document);
    return "created";
  } catch (error) {
    if (isCosmosStatus(error, 409)) return "exists";
    throw mapCosmosError(error, what);
  }
}

async function readPoint(container: Container, id: string, what: string): Promise<unknown> {
  try {
    const { resource } = await container.item(id, id).read<ItemDefinition>();
    return resource;
  } catch (error) {
    throw mapCosmosError(error, what);
  }
}

function sweepQuerySpec(query: string, now: Date, limit: number): SqlQuerySpec {
  return {
    query,
    parameters: [
      { name: "@limit", value: limit },
      { name: "@now", value: now.toISOString() },
    ],
  };
}

const rangeCondition = ({ after, upTo }: ReleaseRange) =>
  (after
    ? " AND (c.requestedSendTime > @afterTime OR (c.requestedSendTime = @afterTime AND c.id > @afterId))"
    : "") +
  (upTo
    ? " AND (c.requestedSendTime < @upToTime OR (c.requestedSendTime = @upToTime AND c.id <= @upToId))"
    : "");

const rangeParameters = ({ after, upTo }: ReleaseRange) => [
  ...(after
    ? [
        { name: "@afterTime", value: after.requestedSendTime },
        { name: "@afterId", value: after.id },
      ]
    : []),
  ...(upTo
    ? [
        { name: "@upToTime", value: upTo.requestedSendTime },
        { name: "@upToId", value: upTo.id },
      ]
    : []),
];

/** One document, without expiry, in a partition of its own. */
const releaseCursorId = "release-cursor";
const storedCursorSchema = releaseCursorSchema.extend({ _etag: z.string() });

const orderPageOf = (resources: unknown[]) =>
  sweepPageOf(resources, orderDocumentSchema, (raw) => raw["pk"] ?? raw["id"]);

/**
 * Orders and chains in the `orders` container; each document is its own partition (pk = id). Every write
 * carries the order's retention (`ttl`, `retainUntil`), computed from the state it writes.
 */
export class CosmosOrderStore implements OrderStore {
  constructor(
    private readonly container: Container,
    private readonly retention: RetentionRules = defaultRetentionRules,
  ) {}

  createOrder(order: NewOrder): Promise<CreateOutcome> {
    return createIfAbsent(
      this.container,
      { ...order, pk: order.id, docType: "order", ...this.retention.order(order) },
      "create order",
    );
  }

  async removeOrder(orderId: string): Promise<void> {
    try {
      await this.container.item(orderId, orderId).delete();
    } catch (error) {
      if (!isCosmosStatus(error, 404)) throw mapCosmosError(error, "remove order");
    }
  }

  async getOrder(orderId: string): Promise<OrderDocument | undefined> {
    const resource = await readPoint(this.container, orderId, "read order");
    if (!isRecord(resource) || resource["docType"] !== "order") return undefined;
    return orderDocumentSchema.parse(resource);
  }

  async findOrdersBySendersReference(creator: string, sendersReference: string): Promise<OrderDocument[]> {
    try {
      const { resources } = await this.container.items
        .query({
          query:
            "SELECT * FROM c WHERE c.docType = 'order' AND c.creator = @creator AND c.sendersReference = @ref ORDER BY c.created ASC",
          parameters: [
            { name: "@creator", value: creator },
            { name: "@ref", value: sendersReference },
          ],
        })
        .fetchAll();
      return resources.map((r) => orderDocumentSchema.parse(r));
    } catch (error) {
      throw mapCosmosError(error, "query orders");
    }
  }

  async findDue(
    now: Date,
    limit: number,
    range: ReleaseRange = {},
  ): Promise<SweepPage<OrderDocument> & { more: boolean }> {
    const spec = sweepQuerySpec(
      `SELECT TOP @limit * FROM c WHERE c.docType = 'order' AND c.status = 'Registered' AND c.requestedSendTime <= @now${rangeCondition(range)} AND NOT IS_DEFINED(c.quarantine) ORDER BY c.status ASC, c.requestedSendTime ASC, c.id ASC`,
      now,
      limit,
    );
    spec.parameters?.push(...rangeParameters(range));
    const pages = this.container.items.query(spec, { maxItemCount: limit });
    try {
      // A cross-partition query may answer with empty pages before its first rows.
      let resources: unknown[] = [];
      while (resources.length === 0 && pages.hasMoreResults()) ({ resources } = await pages.fetchNext());
      return { ...orderPageOf(resources), more: pages.hasMoreResults() };
    } catch (error) {
      throw mapCosmosError(error, "query orders");
    }
  }

  /**
   * A cursor that no longer fits its schema reads as standing at the start, not as an error that would stop
   * every release: the next move replaces it under its ETag, and an order already processed is no longer
   * Registered, so reading from the start releases only what is still to do.
   */
  async getReleaseCursor(): Promise<ReleaseCursor | undefined> {
    const raw = await readPoint(this.container, releaseCursorId, "read release cursor");
    if (raw === undefined) return undefined;
    const cursor = storedCursorSchema.safeParse(raw);
    if (cursor.success) return cursor.data;
    const { _etag } = z.object({ _etag: z.string() }).parse(raw);
    return { position: { requestedSendTime: "", id: "" }, trail: [], _etag };
  }

  async moveReleaseCursor(
    to: ReleaseCursorState,
    from: ReleaseCursor | undefined,
  ): Promise<ReleaseCursor | undefined> {
    const document = {
      id: releaseCursorId,
      pk: releaseCursorId,
      docType: "releaseCursor",
      position: to.position,
      trail: to.trail,
      checked: to.checked,
    };
    try {
      const { resource } = from
        ? await this.container.item(releaseCursorId, releaseCursorId).replace(document, {
            accessCondition: { type: "IfMatch", condition: from._etag },
          })
        : await this.container.items.create(document);
      return storedCursorSchema.parse(resource);
    } catch (error) {
      if (isCosmosStatus(error, 412) || isCosmosStatus(error, 409)) return undefined;
      throw mapCosmosError(error, "move release cursor");
    }
  }

  findToSweep(now: Date, limit: number): Promise<SweepPage<OrderDocument>> {
    return this.sweepQuery(
      "SELECT TOP @limit * FROM c WHERE c.docType = 'order' AND c.sweepAt <= @now AND NOT IS_DEFINED(c.quarantine) ORDER BY c.sweepAt ASC",
      now,
      limit,
    );
  }

  quarantine(orderId: string, problem: string, at: Date): Promise<void> {
    return quarantineDocument(this.container, { id: orderId, partitionKey: orderId }, problem, at);
  }

  private async sweepQuery(query: string, now: Date, limit: number): Promise<SweepPage<OrderDocument>> {
    let resources: unknown[];
    try {
      ({ resources } = await this.container.items.query(sweepQuerySpec(query, now, limit)).fetchAll());
    } catch (error) {
      throw mapCosmosError(error, "query orders");
    }
    return orderPageOf(resources);
  }

  async updateOrder(
    order: OrderDocument,
    changes: Partial<Omit<OrderDocument, "id" | "pk" | "docType">>,
  ): Promise<OrderDocument> {
    const retention = this.retention.order({ ...order, ...changes });
    return orderDocumentSchema.parse(
      await replaceIfUnchanged(this.container, order, order.pk, { ...changes, ...retention }, "update order"),
    );
  }
}
