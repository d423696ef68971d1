import type { Container } from "@azure/cosmos";
import { notificationDocumentSchema, type NotificationDocument } from "../../domain/notification";
import type { NewNotification, NotificationStore } from "../../ports/notificationStore";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { replaceIfUnchanged } from "./replaceIfUnchanged";

const pendingCondition =
  "((c.channel = 'email' AND c.status IN ('New', 'Sending', 'Succeeded')) OR (c.channel = 'sms' AND c.status IN ('New', 'Sending', 'Accepted')))";

/** Parallel point writes per call: enough to keep the store busy without flooding it with one order's fan-out. */
const writeConcurrency = 16;

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}

/** Notifications in the `notifications` container, partitioned by order id. */
export class CosmosNotificationStore implements NotificationStore {
  constructor(private readonly container: Container) {}

  async listByOrder(orderId: string): Promise<NotificationDocument[]> {
    try {
      const { resources } = await this.container.items
        .query(
          {
            query: "SELECT * FROM c WHERE c.orderId = @orderId ORDER BY c.created ASC",
            parameters: [{ name: "@orderId", value: orderId }],
          },
          { partitionKey: orderId },
        )
        .fetchAll();
      return resources.map((r) => notificationDocumentSchema.parse(r));
    } catch (error) {
      throw mapCosmosError(error, "list notifications");
    }
  }

  async get(orderId: string, notificationId: string): Promise<NotificationDocument | undefined> {
    try {
      const { resource } = await this.container.item(notificationId, orderId).read();
      return resource ? notificationDocumentSchema.parse(resource) : undefined;
    } catch (error) {
      throw mapCosmosError(error, "read notification");
    }
  }

  async getMany(orderId: string, notificationIds: string[]): Promise<NotificationDocument[]> {
    const found = await Promise.all(notificationIds.map((id) => this.get(orderId, id)));
    return found.filter((n): n is NotificationDocument => n !== undefined);
  }

  async createMany(notifications: NewNotification[]): Promise<void> {
    await inParallel(notifications, writeConcurrency, async (notification) => {
      try {
        await this.container.items.create(notification);
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw mapCosmosError(error, "create notification");
      }
    });
  }

  async update<T extends NotificationDocument>(
    notification: T,
    changes: Partial<Omit<T, "id" | "orderId" | "channel">>,
  ): Promise<T> {
    const resource = await replaceIfUnchanged(
      this.container,
      notification,
      notification.orderId,
      changes,
      "update notification",
    );
    return notificationDocumentSchema.parse(resource) as T;
  }

  async hasPending(orderId: string): Promise<boolean> {
    try {
      const { resources } = await this.container.items
        .query(
          {
            query: `SELECT TOP 1 c.id FROM c WHERE c.orderId = @orderId AND ${pendingCondition}`,
            parameters: [{ name: "@orderId", value: orderId }],
          },
          { partitionKey: orderId },
        )
        .fetchAll();
      return resources.length > 0;
    } catch (error) {
      throw mapCosmosError(error, "check pending notifications");
    }
  }

  async findExpired(cutoff: Date, limit: number): Promise<NotificationDocument[]> {
    try {
      const { resources } = await this.container.items
        .query({
          query: `SELECT TOP @limit * FROM c WHERE ${pendingCondition} AND c.expiry < @cutoff ORDER BY c.expiry ASC`,
          parameters: [
            { name: "@limit", value: limit },
            { name: "@cutoff", value: cutoff.toISOString() },
          ],
        })
        .fetchAll();
      return resources.map((r) => notificationDocumentSchema.parse(r));
    } catch (error) {
      throw mapCosmosError(error, "find expired notifications");
    }
  }
}
