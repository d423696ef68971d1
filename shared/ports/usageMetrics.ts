import type { NotificationDocument } from "../domain/notification";

/** Notifications of one organisation on one channel in a period. */
export interface UsageCount {
  creator: string;
  channel: NotificationDocument["channel"];
  notifications: number;
}

/** Usage across every organisation, for operators (Altinn's `metrics` routes). */
export interface UsageMetrics {
  /** Every notification on the channel created in [from, to), all organisations. */
  notificationsCreated(
    channel: NotificationDocument["channel"],
    from: Date,
    to: Date,
  ): Promise<NotificationDocument[]>;
  /** Notifications created in [from, to) by organisation and channel. */
  countsByCreator(from: Date, to: Date): Promise<UsageCount[]>;
}
