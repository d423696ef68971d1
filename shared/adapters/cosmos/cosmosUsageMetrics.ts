import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { notificationDocumentSchema, type NotificationDocument } from "../../domain/notification";
import type { UsageCount, UsageMetrics } from "../../ports/usageMetrics";
import { mapCosmosError } from "./errors";

const rowSchema = z.object({ creator: z.string(), channel: z.enum(["email", "sms"]) });

/**
 * Usage over the `notifications` container, across partitions: an operator's daily or monthly question, never a
 * hot path.
 */
export class CosmosUsageMetrics implements UsageMetrics {
  constructor(private readonly notifications: Container) {}

  async notificationsCreated(
    channel: NotificationDocument["channel"],
    from: Date,
    to: Date,
  ): Promise<NotificationDocument[]> {
    try {
      const { resources } = await this.notifications.items
        .query({
          query: "SELECT * FROM c WHERE c.channel = @channel AND c.created >= @from AND c.created < @to",
          parameters: [
            { name: "@channel", value: channel },
            { name: "@from", value: from.toISOString() },
            { name: "@to", value: to.toISOString() },
          ],
        })
        .fetchAll();
      return resources.map((raw) => notificationDocumentSchema.parse(raw));
    } catch (error) {
      throw mapCosmosError(error, "usage metrics: notifications");
    }
  }

  async countsByCreator(from: Date, to: Date): Promise<UsageCount[]> {
    // A projection of two fields, counted here: cross-partition GROUP BY needs the gateway's query plan, which
    // the embedded server lacks. Reads grow with the month's notifications (two short fields each).
    const counts = new Map<string, UsageCount>();
    try {
      const query = this.notifications.items.query({
        query: "SELECT c.creator, c.channel FROM c WHERE c.created >= @from AND c.created < @to",
        parameters: [
          { name: "@from", value: from.toISOString() },
          { name: "@to", value: to.toISOString() },
        ],
      });
      while (query.hasMoreResults()) {
        const { resources } = await query.fetchNext();
        for (const raw of resources ?? []) {
          const { creator, channel } = rowSchema.parse(raw);
          const key = `${creator}\u0000${channel}`;
          const count = counts.get(key) ?? { creator, channel, notifications: 0 };
          count.notifications += 1;
          counts.set(key, count);
        }
      }
    } catch (error) {
      throw mapCosmosError(error, "usage metrics: counts");
    }
    return [...counts.values()];
  }
}
