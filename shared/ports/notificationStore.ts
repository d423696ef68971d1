import type {
  EmailNotificationDocument,
  NotificationDocument,
  SmsNotificationDocument,
} from "../domain/notification";
import type { RecipientStatusPages } from "./recipientStatuses";
import type { SweepPage } from "./sweepPage";

export type NewNotification =
  Omit<EmailNotificationDocument, "_etag"> | Omit<SmsNotificationDocument, "_etag">;

type Changes<T> = Partial<Omit<T, "id" | "orderId" | "channel">>;

export interface NotificationStore extends RecipientStatusPages {
  listByOrder(orderId: string): Promise<NotificationDocument[]>;
  get(orderId: string, notificationId: string): Promise<NotificationDocument | undefined>;
  /**
   * The SMS the gateway took under these references (LINK's delivery reports name nothing else), across all
   * orders, in one query; unknown references and unreadable notifications are left out.
   */
  findSmsByReferences(references: string[]): Promise<SmsNotificationDocument[]>;
  /** Point reads of known notifications of one order (missing ones are left out). */
  getMany(orderId: string, notificationIds: string[]): Promise<NotificationDocument[]>;
  /**
   * Creates each notification unless one with its id exists, so a redelivered order creates nothing twice.
   * Returns the ones this call created, with their ETags (a caller may go on with them without a read).
   */
  createMany(notifications: NewNotification[]): Promise<NotificationDocument[]>;
  /**
   * Applies each change if its notification still carries the ETag it was read with, many per request.
   * Says per change whether it was applied or lost a race (a delivery report got there first).
   */
  updateMany<T extends NotificationDocument>(
    updates: Array<{ notification: T; changes: Changes<T> }>,
  ): Promise<Array<"updated" | "conflict">>;
  /** Removes a notification that was never sent (an instant send the provider refused). */
  remove(orderId: string, notificationId: string): Promise<void>;
  /** Replaces the notification if it still carries the ETag it was read with (else AppError "conflict"). */
  update<T extends NotificationDocument>(notification: T, changes: Changes<T>): Promise<T>;
  /** Up to `limit` notifications of the order that still wait for a final status (one partition). */
  listPending(orderId: string, limit: number): Promise<SweepPage<NotificationDocument>>;
  /** Notifications without a final status whose expiry is before the cutoff, oldest first. */
  findExpired(cutoff: Date, limit: number): Promise<SweepPage<NotificationDocument>>;
  /** Sets an unreadable notification aside, with the reason, so no sweep or completion check counts it. */
  quarantine(orderId: string, notificationId: string, problem: string, at: Date): Promise<void>;
}

export interface DeliveryReference {
  provider: "acs" | "link";
  reference: string;
  orderId: string;
  notificationId: string;
}

/** Maps a provider's reference (ACS operation id, LINK gateway reference) back to our notification. */
export interface DeliveryReferenceStore {
  put(reference: DeliveryReference): Promise<void>;
  /** Stores many references, many per request. */
  putMany(references: DeliveryReference[]): Promise<void>;
  get(provider: DeliveryReference["provider"], reference: string): Promise<DeliveryReference | undefined>;
  /** The references of many reports, many per request; unknown ones are left out. */
  getMany(
    keys: Array<{ provider: DeliveryReference["provider"]; reference: string }>,
  ): Promise<DeliveryReference[]>;
}
