import type { ChainDocument, NewOrder, OrderDocument } from "../domain/order";

export type CreateOutcome = "created" | "exists";

/**
 * Orders and their idempotency records. Every state change is conditional on the ETag the caller read;
 * a lost race surfaces as AppError kind "conflict".
 */
export interface OrderStore {
  getChain(chainId: string): Promise<ChainDocument | undefined>;
  createChain(chain: Omit<ChainDocument, "pk" | "docType" | "_etag">): Promise<CreateOutcome>;
  /** Removes a chain whose request failed before anything else was stored (instant orders). */
  deleteChain(chainId: string): Promise<void>;
  createOrder(order: NewOrder): Promise<CreateOutcome>;
  getOrder(orderId: string): Promise<OrderDocument | undefined>;
  findOrdersBySendersReference(creator: string, sendersReference: string): Promise<OrderDocument[]>;
  /** Registered orders whose send time has come, earliest first. */
  findDue(now: Date, limit: number): Promise<OrderDocument[]>;
  /** Orders claimed for processing whose lease ran out before processing finished. */
  findExpiredLeases(now: Date, limit: number): Promise<OrderDocument[]>;
  /** Replaces the order if it still carries the ETag it was read with. */
  updateOrder(
    order: OrderDocument,
    changes: Partial<Omit<OrderDocument, "id" | "pk" | "docType">>,
  ): Promise<OrderDocument>;
}
