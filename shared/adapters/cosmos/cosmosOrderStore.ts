import type { Container, ItemDefinition } from "@azure/cosmos";
import { orderDocumentSchema } from "../../domain/order";
import type { NewOrder, OrderDocument } from "../../domain/order";
import { defaultRetentionRules, type RetentionRules } from "../../domain/retention";
import type { CreateOutcome, OrderStore } from "../../ports/orderStore";
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

  findDue(now: Date, limit: number): Promise<SweepPage<OrderDocument>> {
    return this.sweepQuery(
      "SELECT TOP @limit * FROM c WHERE c.docType = 'order' AND c.status = 'Registered' AND c.requestedSendTime <= @now AND NOT IS_DEFINED(c.quarantine) ORDER BY c.status ASC, c.requestedSendTime ASC",
      now,
      limit,
    );
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
      ({ resources } = await this.container.items
        .query({
          query,
          parameters: [
            { name: "@limit", value: limit },
            { name: "@now", value: now.toISOString() },
          ],
        })
        .fetchAll());
    } catch (error) {
      throw mapCosmosError(error, "query orders");
    }
    return sweepPageOf(resources, orderDocumentSchema, (raw) => raw["pk"] ?? raw["id"]);
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
