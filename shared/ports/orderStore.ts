import type { NewOrder, OrderDocument } from "../domain/order";
import type { ReleaseCursorState, ReleasePosition } from "../domain/releaseCursor";
import type { SweepPage } from "./sweepPage";

export type CreateOutcome = "created" | "exists";

/** Orders after one position, or up to and including one. */
export interface ReleaseRange {
  after?: ReleasePosition;
  upTo?: ReleasePosition;
}

export type ReleaseCursor = ReleaseCursorState & { _etag: string };

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
   * Registered orders whose send time has come, in release order (send time, then id), within `range`, up to
   * `limit`: the first page of one query (Cosmos DB bounds a page at 4 MB, so large orders are never all in
   * memory at once). `more` says the page stopped short of `limit` with more due orders left.
   */
  findDue(
    now: Date,
    limit: number,
    range?: ReleaseRange,
  ): Promise<SweepPage<OrderDocument> & { more: boolean }>;
  /** How far the sweeper has released due orders, claimed or not (see `releasesWithoutClaim`). */
  getReleaseCursor(): Promise<ReleaseCursor | undefined>;
  /**
   * Writes the release cursor, if it is still as the caller read it (`from`; undefined: never written).
   * Undefined when another sweep moved it first.
   */
  moveReleaseCursor(
    to: ReleaseCursorState,
    from: ReleaseCursor | undefined,
  ): Promise<ReleaseCursor | undefined>;
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
