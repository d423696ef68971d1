import type { OrderDocument } from "../domain/order";

export interface StatusFeedEntry {
  sequenceNumber: number;
  creator: string;
  shipmentId: string;
  sendersReference?: string;
  shipmentType: OrderDocument["type"];
  status: string;
  lastUpdate: string;
  recipients: Array<{ destination: string; status: string; lastUpdate: string }>;
  /** A final order with more recipients than an entry lists: its recipients are read from its notifications. */
  recipientsOmitted?: boolean;
  /** When the entry was appended. */
  created: string;
}

export type NewStatusFeedEntry = Omit<StatusFeedEntry, "sequenceNumber"> & {
  /** The order's `traceparent`, so that the append shows in the order's trace (not stored). */
  traceparent?: string;
};

export interface StatusFeedQuery {
  creator: string;
  /** Exclusive cursor. */
  after: number;
  pageSize: number;
  order: "Asc" | "Desc";
  /** Only entries with one of these statuses (`Order_Completed`, …); every entry when unset. */
  statuses?: readonly string[];
}

/**
 * The tenant's order status changes. Entries become readable in sequence order with no gaps, so a reader
 * paging with its cursor never passes a position whose entry is still being written.
 */
export interface StatusFeed {
  /** Appends one entry per (order, status); appending the same change again adds nothing (and says false). */
  append(entry: NewStatusFeedEntry): Promise<boolean>;
  /** True when the entry for this (order, status) is in the feed. */
  has(creator: string, shipmentId: string, status: string): Promise<boolean>;
  read(query: StatusFeedQuery): Promise<StatusFeedEntry[]>;
}
