import type { NewOrder, OrderDocument } from "../domain/order";
import type { SweepPage } from "./sweepPage";

export type CreateOutcome = "created" | "exists";

/**
 * Orders and their idempotency records. Every state change is conditional on the ETag the caller read;
 * a lost race surfaces as AppError kind "conflict".
 */
export interface OrderStore {
  createOrder(order: NewOrder): Promise<CreateOutcome>;
  /** Removes an order whose request failed before anything was sent (instant orders). */
  removeOrder(orderId: string): Promise<void>;
  getOrder(orderId: string): Promise<OrderDocument | undefined>;
  findOrdersBySendersReference(creator: string, sendersReference: string): Promise<OrderDocument[]>;
  /**
   * Registered orders whose send time has come, earliest first, up to `limit`: the first page of one query
   * (Cosmos DB bounds a page at 4 MB, so large orders are never all in memory at once). `more` says the page
   * stopped short of `limit` with more due orders left.
   */
  findDue(now: Date, limit: number): Promise<SweepPage<OrderDocument> & { more: boolean }>;
  /** Orders whose `sweepAt` has come (a lease ran out, a send or completion is overdue), earliest first. */
  findToSweep(now: Date, limit: number): Promise<SweepPage<OrderDocument>>;
  /** Sets an unreadable order aside, with the reason, so no sweep reads it again. */
  quarantine(orderId: string, problem: string, at: Date): Promise<void>;
  /** Replaces the order if it still carries the ETag it was read with. */
  updateOrder(
    order: OrderDocument,
    changes: Partial<Omit<OrderDocument, "id" | "pk" | "docType">>,
  ): Promise<OrderDocument>;
}
