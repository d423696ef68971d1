import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { storedRecipientSchema, type StoredRecipient } from "../../domain/order";
import { recipientPartSize, type RecipientLists } from "../../ports/recipientLists";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { defaultRetentionRules, type RetentionRules } from "../../domain/retention";

const partSchema = z.object({ recipients: z.array(storedRecipientSchema) });
const partId = (orderId: string, index: number) => `${orderId}:recipients:${index}`;

/**
 * Recipient parts in the `orders` container, in their order's partition (pk = order id), kept as long as
 * their order can be running (`ttl`, `retainUntil`).
 */
export class CosmosRecipientLists implements RecipientLists {
  constructor(
    private readonly container: Container,
    private readonly retention: RetentionRules = defaultRetentionRules,
  ) {}

  async putPart(
    order: { id: string; requestedSendTime: string },
    index: number,
    recipients: StoredRecipient[],
  ): Promise<void> {
    try {
      await this.container.items.create({
        id: partId(order.id, index),
        pk: order.id,
        docType: "recipientPart",
        orderId: order.id,
        index,
        recipients,
        ...this.retention.orderData(order.requestedSendTime),
      });
    } catch (error) {
      if (!isCosmosStatus(error, 409)) throw mapCosmosError(error, "store recipient part");
    }
  }

  async read(orderId: string, from: number, to: number): Promise<StoredRecipient[]> {
    const first = Math.floor(from / recipientPartSize);
    const last = Math.floor((to - 1) / recipientPartSize);
    const recipients: StoredRecipient[] = [];
    for (let index = first; index <= last; index += 1) {
      let resource: unknown;
      try {
        ({ resource } = await this.container.item(partId(orderId, index), orderId).read());
      } catch (error) {
        throw mapCosmosError(error, "read recipient part");
      }
      if (resource === undefined) throw mapCosmosError({ statusCode: 404 }, "read recipient part");
      const part = partSchema.parse(resource).recipients;
      const offset = index * recipientPartSize;
      recipients.push(...part.slice(Math.max(0, from - offset), Math.max(0, to - offset)));
    }
    return recipients;
  }
}
