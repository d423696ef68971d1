import type { Container } from "@azure/cosmos";
import { chainDocumentSchema, orderDocumentSchema } from "../../domain/order";
import type { ChainDocument, NewOrder, OrderDocument } from "../../domain/order";
import type { CreateOutcome, OrderStore } from "../../ports/orderStore";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { replaceIfUnchanged } from "./replaceIfUnchanged";

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
    const { resource } = await container.item(id, id).read();
    return resource;
  } catch (error) {
    throw mapCosmosError(error, what);
  }
}

/** Orders and chains in the `orders` container; each document is its own partition (pk = id). */
export class CosmosOrderStore implements OrderStore {
  constructor(private readonly container: Container) {}

  async getChain(chainId: string): Promise<ChainDocument | undefined> {
    const resource = await readPoint(this.container, chainId, "read order chain");
    if (!resource || (resource as { docType?: string }).docType !== "chain") return undefined;
    return chainDocumentSchema.parse(resource);
  }

  createChain(chain: Omit<ChainDocument, "pk" | "docType" | "_etag">): Promise<CreateOutcome> {
    return createIfAbsent(this.container, { ...chain, pk: chain.id, docType: "chain" }, "create order chain");
  }

  async deleteChain(chainId: string): Promise<void> {
    try {
      await this.container.item(chainId, chainId).delete();
    } catch (error) {
      if (!isCosmosStatus(error, 404)) throw mapCosmosError(error, "delete order chain");
    }
  }

  createOrder(order: NewOrder): Promise<CreateOutcome> {
    return createIfAbsent(this.container, { ...order, pk: order.id, docType: "order" }, "create order");
  }

  async getOrder(orderId: string): Promise<OrderDocument | undefined> {
    const resource = await readPoint(this.container, orderId, "read order");
    if (!resource || (resource as { docType?: string }).docType !== "order") return undefined;
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

  findDue(now: Date, limit: number): Promise<OrderDocument[]> {
    return this.queryOrders(
      "SELECT TOP @limit * FROM c WHERE c.docType = 'order' AND c.status = 'Registered' AND c.requestedSendTime <= @now ORDER BY c.status ASC, c.requestedSendTime ASC",
      now,
      limit,
    );
  }

  findExpiredLeases(now: Date, limit: number): Promise<OrderDocument[]> {
    return this.queryOrders(
      "SELECT TOP @limit * FROM c WHERE c.docType = 'order' AND c.status = 'Processing' AND c.leaseUntil <= @now",
      now,
      limit,
    );
  }

  private async queryOrders(query: string, now: Date, limit: number): Promise<OrderDocument[]> {
    try {
      const { resources } = await this.container.items
        .query({
          query,
          parameters: [
            { name: "@limit", value: limit },
            { name: "@now", value: now.toISOString() },
          ],
        })
        .fetchAll();
      return resources.map((r) => orderDocumentSchema.parse(r));
    } catch (error) {
      throw mapCosmosError(error, "query orders");
    }
  }

  async updateOrder(
    order: OrderDocument,
    changes: Partial<Omit<OrderDocument, "id" | "pk" | "docType">>,
  ): Promise<OrderDocument> {
    return orderDocumentSchema.parse(
      await replaceIfUnchanged(this.container, order, order.pk, changes, "update order"),
    );
  }
}
