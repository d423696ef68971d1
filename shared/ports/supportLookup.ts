import type { NotificationDocument } from "../domain/notification";
import type { SupportRecipient } from "../domain/requests/dashboardQuery";

/** Support's view across every organisation's orders (Altinn's dashboard), by recipient and time. */
export interface SupportLookup {
  /** Notifications to the recipient created in [from, to], at most `limit`, newest first. */
  notificationsFor(
    recipient: SupportRecipient,
    from: Date,
    to: Date,
    limit: number,
  ): Promise<NotificationDocument[]>;
}
