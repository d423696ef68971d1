import type { NewSendBatch, SendBatchDocument } from "../domain/sendBatch";
import type { SweepPage } from "./sweepPage";

/** Send batches of an order. Every state change is conditional on the ETag the caller read. */
export interface SendBatches {
  /** Creates each batch unless one with its id exists, so a resumed fan-out creates nothing twice. */
  createMany(batches: NewSendBatch[]): Promise<void>;
  get(orderId: string, batchId: string): Promise<SendBatchDocument | undefined>;
  /** Replaces the batch if it still carries the ETag it was read with (else AppError "conflict"). */
  update(
    batch: SendBatchDocument,
    changes: Partial<Pick<SendBatchDocument, "status" | "statusChangedAt" | "sendAfter" | "attempts">>,
  ): Promise<SendBatchDocument>;
  /** Sets an unreadable batch aside, with the reason, so no sweep reads it again. */
  quarantine(orderId: string, batchId: string, problem: string, at: Date): Promise<void>;
  /** Batches of the order that are not Done (one partition), at most `limit`. */
  listOpen(orderId: string, limit: number): Promise<SweepPage<SendBatchDocument>>;
}
