import type { NotificationDocument } from "../domain/notification";

/** Whose notifications a support lookup asks for: one person or one organisation, as a recipient. */
export type SupportRecipient = { nationalIdentityNumber: string } | { organizationNumber: string };

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
