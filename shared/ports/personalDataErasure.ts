/** What an erasure found and removed or anonymised, by kind; ids name orders only (never a person). */
export interface ErasureReport {
  /** Orders (and reminders) whose recipient rows for the person were anonymised. */
  orderIds: string[];
  /** Recipient rows anonymised in those orders and in the recipient lists of large orders. */
  recipientRows: number;
  /**
   * Notifications whose address, identifiers and message body were removed (a pending one also stopped): the
   * person's own, and those an organisation's orders sent to the person's user contact points.
   */
  notifications: number;
  /** Status feed entries whose destinations were the person's addresses, now blank. */
  statusFeedEntries: number;
  /** Webhook deliveries (copies of feed entries) whose destinations were the person's addresses, now blank. */
  webhookDeliveries: number;
  registry: { persons: number; userContactPoints: number; roleAssignments: number };
}

/**
 * Deletes or anonymises everything stored about one national identity number. Safe to run again: a second
 * run finds nothing more. Order and notification statuses stay, so counts and the orders' lifecycle hold.
 */
export interface PersonalDataErasure {
  erase(nationalIdentityNumber: string): Promise<ErasureReport>;
}
