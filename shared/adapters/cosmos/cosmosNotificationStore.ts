import type { Container } from "@azure/cosmos";
import { notificationDocumentSchema, type NotificationDocument } from "../../domain/notification";
import type { NotificationStore } from "../../ports/notificationStore";
import { mapCosmosError } from "./errors";

/** Notifications in the `notifications` container, partitioned by order id. */
export class CosmosNotificationStore implements NotificationStore {
  constructor(private readonly container: Container) {}

  async listByOrder(orderId: string): Promise<NotificationDocument[]> {
    try {
      const { resources } = await this.container.items
        .query(
          { query: "SELECT * FROM c WHERE c.orderId = @orderId", parameters: [{ name: "@orderId", value: orderId }] },
          { partitionKey: orderId },
        )
        .fetchAll();
      return resources.map((r) => notificationDocumentSchema.parse(r));
    } catch (error) {
      throw mapCosmosError(error, "list notifications");
    }
  }
}
