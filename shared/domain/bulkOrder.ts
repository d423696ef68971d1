import { z } from "zod";
import { orderDocumentSchema } from "./order";

/** The order fields a bulk order fixes at its creation; its recipients come in parts, its order at submission. */
const bulkOrderDraftSchema = orderDocumentSchema.pick({
  sendersReference: true,
  requestedSendTime: true,
  notificationChannel: true,
  ignoreReservation: true,
  useStaleContactInformation: true,
  resourceId: true,
  resourceAction: true,
  conditionEndpoint: true,
  conditionFailurePolicy: true,
  emailTemplate: true,
  smsTemplate: true,
  dialogportenAssociation: true,
});
export type BulkOrderDraft = z.infer<typeof bulkOrderDraftSchema>;

/**
 * One uploaded part: being uploaded (by the attempt that holds it until `leaseUntil`, renewed while it
 * writes), or accepted with its recipient count and the hash of its recipients, which tells a repeated
 * upload of the same part from a different one.
 */
const bulkPartSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("Uploading"),
    attempt: z.string(),
    leaseUntil: z.iso.datetime({ offset: true }),
  }),
  z.object({
    status: z.literal("Accepted"),
    recipients: z.number().int().min(1),
    sha256: z.string(),
    acceptedAt: z.iso.datetime({ offset: true }),
  }),
]);
export type BulkPart = z.infer<typeof bulkPartSchema>;

/** Counts of an order's notifications by where they are, as the progress view shows them. */
export const notificationProgressSchema = z.object({
  total: z.number().int().min(0),
  new: z.number().int().min(0),
  sending: z.number().int().min(0),
  accepted: z.number().int().min(0),
  delivered: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type NotificationProgress = z.infer<typeof notificationProgressSchema>;

const bulkOrderStates = ["Open", "Submitted", "Cancelled"] as const;

/**
 * A bulk order before and beside its order document, in the `orders` container in the order's partition
 * (pk = order id, id = `{orderId}:bulk`). Its deterministic order id derives from (tenant, idempotencyId), so
 * creating it is the idempotency check, as the main order of a `future/orders` chain is. The order document
 * itself is created only at submission, so the sweeper never releases an order whose list is incomplete.
 */
export const bulkOrderDocumentSchema = z.object({
  id: z.string(),
  pk: z.uuid(),
  docType: z.literal("bulkOrder"),
  orderId: z.uuid(),
  creator: z.string(),
  created: z.iso.datetime({ offset: true }),
  idempotencyId: z.string(),
  requestHash: z.string(),
  draft: bulkOrderDraftSchema,
  state: z.enum(bulkOrderStates),
  /** Parts by number (1-based, as text): part n holds recipients from (n − 1) × partRecipients. */
  parts: z.record(z.string(), bulkPartSchema),
  /** Set at submission: the recipients of the order. */
  recipientCount: z.number().int().min(0).optional(),
  /** The last counts of the order's notifications and when they were taken, so polling costs one count per interval. */
  progress: z.object({ at: z.iso.datetime({ offset: true }), counts: notificationProgressSchema }).optional(),
  _etag: z.string().optional(),
});
export type BulkOrderDocument = z.infer<typeof bulkOrderDocumentSchema>;
export type NewBulkOrder = Omit<BulkOrderDocument, "pk" | "docType" | "_etag" | "id">;

export function bulkOrderDocumentId(orderId: string): string {
  return `${orderId}:bulk`;
}
