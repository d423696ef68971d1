import { z } from "zod";
import { sendingTimePolicies } from "./order";

/**
 * Up to `maxBatchSize` notifications of one order, channel and send time, sent by one queue message. The
 * batch is claimed once (Pending → Sending under its ETag) instead of each notification, so a large order
 * costs one queue message and one claim per batch, and its notifications go from New to their result in one
 * write each. Stored in the `orders` container in the order's partition.
 */
export const sendBatchDocumentSchema = z.object({
  id: z.string(),
  pk: z.uuid(),
  docType: z.literal("sendBatch"),
  orderId: z.uuid(),
  creator: z.string(),
  channel: z.enum(["email", "sms"]),
  notificationIds: z.array(z.uuid()).min(1),
  sendAfter: z.iso.datetime({ offset: true }),
  sendingTimePolicy: z.enum(sendingTimePolicies),
  status: z.enum(["Pending", "Sending", "Done"]),
  statusChangedAt: z.iso.datetime({ offset: true }),
  /** How many times a transient provider failure put the batch back; part of the next message's id. */
  attempts: z.number().int().min(0),
  _etag: z.string().optional(),
});
export type SendBatchDocument = z.infer<typeof sendBatchDocumentSchema>;
export type NewSendBatch = Omit<SendBatchDocument, "pk" | "docType" | "_etag">;

/** Notifications per batch: one queue message and one claim per this many sends. */
export const maxBatchSize = 100;
/** Fewer sends than this to one channel in one step go as single messages (a batch would cost more). */
export const minBatchSize = 10;
