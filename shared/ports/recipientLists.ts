import type { StoredRecipient } from "../domain/order";

/**
 * The recipient list of a large order, kept beside the order in parts, so neither the order document nor
 * any one read grows with the list (a Cosmos item holds at most 2 MB).
 */
export interface RecipientLists {
  /**
   * Stores part `index` (recipients from index × partSize) of the order, kept as long as the order can be
   * running; storing it again changes nothing.
   */
  putPart(
    order: { id: string; requestedSendTime: string },
    index: number,
    recipients: StoredRecipient[],
  ): Promise<void>;
  /** The recipients from position `from` up to (not including) `to`. */
  read(orderId: string, from: number, to: number): Promise<StoredRecipient[]>;
}

/** Recipients per stored part. */
export const recipientPartSize = 1000;
