import type { NotificationDocument } from "../domain/notification";

export interface ChannelCounts {
  generated: number;
  succeeded: number;
}

export interface NotificationStore {
  listByOrder(orderId: string): Promise<NotificationDocument[]>;
}
