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
  created: string;
}

export interface StatusFeedQuery {
  creator: string;
  /** Exclusive cursor. */
  after: number;
  pageSize: number;
  order: "Asc" | "Desc";
  /** Entries written after this instant are not listed yet, so a reader never skips one still being written. */
  writtenBefore: Date;
}

export interface StatusFeed {
  /** Appends one entry per (order, status); appending the same change again adds nothing. */
  append(entry: Omit<StatusFeedEntry, "sequenceNumber">): Promise<void>;
  read(query: StatusFeedQuery): Promise<StatusFeedEntry[]>;
}
