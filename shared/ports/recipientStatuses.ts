import type { EmailResult, SmsResult } from "../domain/statuses";

/** One recipient's current status, as its notification holds it. */
export type RecipientStatus = {
  notificationId: string;
  /** Absent on a notification whose personal data was erased. */
  address?: string;
  statusChangedAt: string;
} & ({ channel: "email"; status: EmailResult } | { channel: "sms"; status: SmsResult });

export interface RecipientStatusPage {
  statuses: RecipientStatus[];
  /** The cursor of the next page; undefined when this page was the last. */
  next: string | undefined;
}

/** The recipients of one order and their statuses, read in pages so no order is ever loaded whole. */
export interface RecipientStatusPages {
  /** Up to `limit` of the order's notifications after the cursor `after` ("" for the first page), in id order. */
  recipientStatuses(orderId: string, after: string, limit: number): Promise<RecipientStatusPage>;
}
