import type { Container } from "@azure/cosmos";
import { notificationDocumentSchema, type NotificationDocument } from "../../domain/notification";
import type { SupportRecipient } from "../../domain/requests/dashboardQuery";
import type { SupportLookup } from "../../ports/supportLookup";
import { mapCosmosError } from "./errors";

/**
 * The support lookup over the `notifications` container. It crosses partitions (one per order) and is meant
 * for a support person's occasional question, not for a hot path; the time range and the limit bound it.
 */
export class CosmosSupportLookup implements SupportLookup {
  constructor(private readonly notifications: Container) {}

  async notificationsFor(
    recipient: SupportRecipient,
    from: Date,
    to: Date,
    limit: number,
  ): Promise<NotificationDocument[]> {
    const [field, value] =
      "nationalIdentityNumber" in recipient
        ? ["nationalIdentityNumber", recipient.nationalIdentityNumber]
        : ["organizationNumber", recipient.organizationNumber];
    try {
      const { resources } = await this.notifications.items
        .query({
          query: `SELECT TOP @limit * FROM c WHERE c.recipient.${field} = @value AND c.created >= @from AND c.created <= @to ORDER BY c.created DESC`,
          parameters: [
            { name: "@limit", value: limit },
            { name: "@value", value },
            { name: "@from", value: from.toISOString() },
            { name: "@to", value: to.toISOString() },
          ],
        })
        .fetchAll();
      return resources.map((raw) => notificationDocumentSchema.parse(raw));
    } catch (error) {
      throw mapCosmosError(error, "support lookup");
    }
  }
}
