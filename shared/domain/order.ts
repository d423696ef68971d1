import { z } from "zod";
import { orderStatuses } from "./statuses";

export const notificationChannels = [
  "Email",
  "Sms",
  "EmailPreferred",
  "SmsPreferred",
  "EmailAndSms",
] as const;
export type NotificationChannel = (typeof notificationChannels)[number];
export const sendingTimePolicies = ["Anytime", "Daytime"] as const;
export type SendingTimePolicy = (typeof sendingTimePolicies)[number];
export const orderTypes = ["Notification", "Reminder", "Instant"] as const;
export type OrderType = (typeof orderTypes)[number];

/** One addressee as ordered: a direct address or an identifier that contact lookup resolves later. */
export const storedRecipientSchema = z.object({
  emailAddress: z.string().optional(),
  mobileNumber: z.string().optional(),
  organizationNumber: z.string().optional(),
  nationalIdentityNumber: z.string().optional(),
  externalIdentity: z.string().optional(),
});
export type StoredRecipient = z.infer<typeof storedRecipientSchema>;

export const emailTemplateSchema = z.object({
  fromAddress: z.string(),
  subject: z.string(),
  body: z.string(),
  contentType: z.enum(["Plain", "Html"]),
  sendingTimePolicy: z.enum(sendingTimePolicies),
});
export type EmailTemplate = z.infer<typeof emailTemplateSchema>;

export const smsTemplateSchema = z.object({
  senderNumber: z.string(),
  body: z.string(),
  sendingTimePolicy: z.enum(sendingTimePolicies),
  /** Instant SMS only: the gateway validity period. */
  timeToLiveSeconds: z.number().int().optional(),
});
export type SmsTemplate = z.infer<typeof smsTemplateSchema>;

export const chainReceiptSchema = z.object({
  notificationOrderId: z.uuid(),
  notification: z.object({
    shipmentId: z.uuid(),
    sendersReference: z.string().optional(),
    reminders: z
      .array(z.object({ shipmentId: z.uuid(), sendersReference: z.string().optional() }))
      .optional(),
  }),
});
export type ChainReceipt = z.infer<typeof chainReceiptSchema>;

/**
 * An order (Altinn: notification order / shipment) as stored in the `orders` container. Partitioned by its
 * own id; its notifications live in their own container so this document never grows with recipients.
 */
export const orderDocumentSchema = z.object({
  id: z.uuid(),
  pk: z.string(),
  docType: z.literal("order"),
  creator: z.string(),
  /** Which API created it: v1 reads report Processed as Completed and keep the v1 shapes. */
  api: z.enum(["v1", "v2"]),
  type: z.enum(orderTypes),
  chainId: z.uuid().optional(),
  sendersReference: z.string().optional(),
  requestedSendTime: z.iso.datetime({ offset: true }),
  created: z.iso.datetime({ offset: true }),
  notificationChannel: z.enum(notificationChannels),
  ignoreReservation: z.boolean().optional(),
  useStaleContactInformation: z.boolean().optional(),
  resourceId: z.string().optional(),
  resourceAction: z.string().optional(),
  conditionEndpoint: z.string().optional(),
  conditionFailurePolicy: z.enum(["send", "skip"]).default("send"),
  recipients: z.array(storedRecipientSchema),
  emailTemplate: emailTemplateSchema.optional(),
  smsTemplate: smsTemplateSchema.optional(),
  dialogportenAssociation: z
    .object({ dialogId: z.string().optional(), transmissionId: z.string().optional() })
    .optional(),
  status: z.enum(orderStatuses),
  statusChangedAt: z.iso.datetime({ offset: true }),
  /** Until when a release claim holds; an expired lease lets the release job publish the order again. */
  leaseUntil: z.iso.datetime({ offset: true }).optional(),
  /** How many times the order was claimed for processing; part of the process message id. */
  releaseCount: z.number().int().min(0).default(0),
  /** Why the order ended as it did, when that is worth telling (e.g. a send condition that kept failing). */
  statusReason: z.string().optional(),
  /** The notification ids of an order with few of them, so completion checks are point reads, not queries. */
  notificationIds: z.array(z.uuid()).max(100).optional(),
  /**
   * On the main order of a `future/` chain: the request's idempotency record. The main order's id derives
   * from (tenant, idempotencyId), so creating it is the idempotency check and no separate record is written.
   */
  chain: z
    .object({
      idempotencyId: z.string(),
      requestHash: z.string(),
      orderIds: z.array(z.uuid()),
      receipt: chainReceiptSchema,
    })
    .optional(),
  _etag: z.string().optional(),
});
export type OrderDocument = z.infer<typeof orderDocumentSchema>;
export type NewOrder = Omit<OrderDocument, "pk" | "docType" | "_etag">;

/**
 * The idempotency record of an instant request: its id is derived from (creator, kind, idempotencyId), so a
 * second request with the same idempotencyId finds it with one point read, and creating it is a lock.
 */
export const chainDocumentSchema = z.object({
  id: z.uuid(),
  pk: z.string(),
  docType: z.literal("chain"),
  creator: z.string(),
  kind: z.enum(["instant-sms", "instant-email"]),
  idempotencyId: z.string(),
  /** Hash of the request as sent, to tell a replay from a reuse of the idempotencyId for another request. */
  requestHash: z.string(),
  created: z.iso.datetime({ offset: true }),
  receipt: chainReceiptSchema,
  /** Ids of the orders this chain holds, in the order they are written. */
  orderIds: z.array(z.uuid()),
  _etag: z.string().optional(),
});
export type ChainDocument = z.infer<typeof chainDocumentSchema>;
