import type { Container } from "@azure/cosmos";
import {
  bulkOrderDocumentId,
  bulkOrderDocumentSchema,
  type BulkOrderDocument,
  type NewBulkOrder,
} from "../../domain/bulkOrder";
import { defaultRetentionRules, type RetentionRules } from "../../domain/retention";
import type { BulkOrders, NotificationCounts } from "../../ports/bulkOrders";
import type { StoredRecipient } from "../../domain/order";
import type { CreateOutcome } from "../../ports/orderStore";
import { runBulk } from "./bulk";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { replaceIfUnchanged } from "./replaceIfUnchanged";

/**
 * Bulk orders in the `orders` container, in their order's partition (pk = order id), kept as long as data
 * beside an unfinished order (`ttl`, `retainUntil`).
 */
export class CosmosBulkOrders implements BulkOrders {
  constructor(
    private readonly container: Container,
    private readonly retention: RetentionRules = defaultRetentionRules,
  ) {}

  async create(bulkOrder: NewBulkOrder): Promise<CreateOutcome> {
    try {
      await this.container.items.create({
        ...bulkOrder,
        id: bulkOrderDocumentId(bulkOrder.orderId),
        pk: bulkOrder.orderId,
        docType: "bulkOrder",
        ...this.retention.orderData(bulkOrder.draft.requestedSendTime),
      });
      return "created";
    } catch (error) {
      if (isCosmosStatus(error, 409)) return "exists";
      throw mapCosmosError(error, "create bulk order");
    }
  }

  async get(orderId: string): Promise<BulkOrderDocument | undefined> {
    let resource: unknown;
    try {
      ({ resource } = await this.container.item(bulkOrderDocumentId(orderId), orderId).read());
    } catch (error) {
      throw mapCosmosError(error, "read bulk order");
    }
    return resource === undefined ? undefined : bulkOrderDocumentSchema.parse(resource);
  }

  async update(
    bulkOrder: BulkOrderDocument,
    changes: Partial<Pick<BulkOrderDocument, "state" | "parts" | "recipientCount" | "progress">>,
  ): Promise<BulkOrderDocument> {
    return bulkOrderDocumentSchema.parse(
      await replaceIfUnchanged(
        this.container,
        bulkOrder,
        bulkOrder.pk,
        { ...changes, ...this.retention.orderData(bulkOrder.draft.requestedSendTime) },
        "update bulk order",
      ),
    );
  }

  async replaceRecipientParts(
    draft: { orderId: string; requestedSendTime: string },
    parts: Array<{ index: number; recipients: StoredRecipient[] }>,
  ): Promise<void> {
    const retention = this.retention.orderData(draft.requestedSendTime);
    await runBulk(
      this.container,
      parts.map(({ index, recipients }) => ({
        kind: "upsert" as const,
        // The documents CosmosRecipientLists reads (same id and shape); processOrder reads them from there.
        body: {
          id: `${draft.orderId}:recipients:${index}`,
          pk: draft.orderId,
          docType: "recipientPart",
          orderId: draft.orderId,
          index,
          recipients,
          ...retention,
        },
      })),
      "store uploaded recipient parts",
    );
  }
}

/** Counts in the `notifications` container, one partition (pk = order id); Cosmos serves them from its index. */
export class CosmosNotificationCounts implements NotificationCounts {
  constructor(private readonly container: Container) {}

  async count(orderId: string, statuses?: readonly string[]): Promise<number> {
    const filter = statuses === undefined ? "" : " AND ARRAY_CONTAINS(@statuses, c.status)";
    try {
      const { resources } = await this.container.items
        .query<number>(
          {
            query: `SELECT VALUE COUNT(1) FROM c WHERE c.orderId = @orderId${filter}`,
            parameters: [
              { name: "@orderId", value: orderId },
              ...(statuses === undefined ? [] : [{ name: "@statuses", value: [...statuses] }]),
            ],
          },
          { partitionKey: orderId },
        )
        .fetchAll();
      return resources.reduce((sum, n) => sum + n, 0);
    } catch (error) {
      throw mapCosmosError(error, "count notifications");
    }
  }
}
