import type { BulkOrderDocument, NewBulkOrder } from "../domain/bulkOrder";
import type { StoredRecipient } from "../domain/order";
import type { CreateOutcome } from "./orderStore";

/** Bulk orders before and beside their order document. Every change is conditional on the ETag read. */
export interface BulkOrders {
  create(bulkOrder: NewBulkOrder): Promise<CreateOutcome>;
  get(orderId: string): Promise<BulkOrderDocument | undefined>;
  /** Replaces the bulk order if it still carries the ETag it was read with (else AppError "conflict"). */
  update(
    bulkOrder: BulkOrderDocument,
    changes: Partial<Pick<BulkOrderDocument, "state" | "parts" | "recipientCount" | "progress">>,
  ): Promise<BulkOrderDocument>;
  /**
   * Writes recipient parts of the order (ports/recipientLists.ts: `recipientPartSize` each, by index), many
   * per request, replacing what an earlier, refused or broken-off upload of the same part left there.
   */
  replaceRecipientParts(
    draft: { orderId: string; requestedSendTime: string },
    parts: Array<{ index: number; recipients: StoredRecipient[] }>,
  ): Promise<void>;
}

/** How many notifications of one order have one of the given statuses: an index-served count, no document read. */
export interface NotificationCounts {
  count(orderId: string, statuses?: readonly string[]): Promise<number>;
}
