import { z } from "zod";
import { attachmentReferenceSchema } from "./attachments";
import { orderStatuses } from "./statuses";
import { templateLanguages } from "./templates";

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
/** Composed: an email with attachments (`future/orders/composed-email`). */
export const orderTypes = ["Notification", "Reminder", "Instant", "Composed"] as const;

/** One addressee as ordered: a direct address or an identifier that contact lookup resolves later. */
export const storedRecipientSchema = z.object({
  emailAddress: z.string().optional(),
  mobileNumber: z.string().optional(),
  organizationNumber: z.string().optional(),
  nationalIdentityNumber: z.string().optional(),
  externalIdentity: z.string().optional(),
});
export type StoredRecipient = z.infer<typeof storedRecipientSchema>;

const emailTemplateSchema = z.object({
  fromAddress: z.string(),
  subject: z.string(),
  body: z.string(),
  contentType: z.enum(["Plain", "Html"]),
  sendingTimePolicy: z.enum(sendingTimePolicies),
  /** Files read by SAS URL when the email is sent (composed email). */
  attachments: z.array(attachmentReferenceSchema).optional(),
  /** From a template: its Nynorsk and English texts (subject and body above are Bokmål). */
  translations: z
    .object({
      nn: z.object({ subject: z.string(), body: z.string() }).optional(),
      en: z.object({ subject: z.string(), body: z.string() }).optional(),
    })
    .optional(),
});

const smsTemplateSchema = z.object({
  senderNumber: z.string(),
  body: z.string(),
  sendingTimePolicy: z.enum(sendingTimePolicies),
  /** Instant SMS only: the gateway validity period. */
  timeToLiveSeconds: z.number().int().optional(),
  /** From a template: its Nynorsk and English bodies (body above is Bokmål). */
  translations: z
    .object({ nn: z.object({ body: z.string() }).optional(), en: z.object({ body: z.string() }).optional() })
    .optional(),
});

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

/** One status-feed entry as the transition wrote it; the feed gives it its sequence number when appended. */
const feedDraftSchema = z.object({
  status: z.string(),
  lastUpdate: z.iso.datetime({ offset: true }),
  recipients: z.array(z.object({ destination: z.string(), status: z.string(), lastUpdate: z.string() })),
  /** A final order with more recipients than an entry lists: readers page through its notifications instead. */
  recipientsOmitted: z.boolean().optional(),
});
export type FeedDraft = z.infer<typeof feedDraftSchema>;

/** W3C Trace Context, version 00: trace id, parent span id, flags (lower-case hex, ids never all zero). */
export const traceparentPattern = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C `traceparent` an order's later work continues from (docs/operations.md, "One trace per order"): ids
 * and flags only, never personal data. Absent on documents written before it was stored; a damaged value
 * reads as absent too, so tracing can never make an order or notification unreadable.
 */
export const storedTraceparentSchema = z.string().regex(traceparentPattern).optional().catch(undefined);

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
  /** A large order keeps its recipients beside it (ports/recipientLists.ts): how many; `recipients` is empty. */
  recipientCount: z.number().int().min(0).optional(),
  emailTemplate: emailTemplateSchema.optional(),
  smsTemplate: smsTemplateSchema.optional(),
  /**
   * The named template the texts were copied from at intake (docs/templates.md), and the language the order
   * asked for; without one, each recipient gets their preferred language from the register, else nb.
   */
  template: z
    .object({ name: z.string(), version: z.number().int(), language: z.enum(templateLanguages).optional() })
    .optional(),
  dialogportenAssociation: z
    .object({ dialogId: z.string().optional(), transmissionId: z.string().optional() })
    .optional(),
  status: z.enum(orderStatuses),
  statusChangedAt: z.iso.datetime({ offset: true }),
  /**
   * The trace of the request that registered the order (its registration span), written by intake in the
   * document it writes anyway: queue hops, timers and delivery reports continue it, without a read of their own.
   */
  traceparent: storedTraceparentSchema,
  /** Until when a release claim holds; an expired lease lets the release job publish the order again. */
  leaseUntil: z.iso.datetime({ offset: true }).optional(),
  /**
   * Fan-out checkpoint: recipients before this index have their notifications and sends stored. Processing
   * resumes here after a crash or in the next slice, never from zero.
   */
  fanout: z.object({ nextRecipient: z.number().int().min(0) }).optional(),
  /** How many times the order was claimed for processing; part of the process message id. */
  releaseCount: z.number().int().min(0).default(0),
  /**
   * When the sweeper must look at this order if nothing else has moved it on: the lease end of a claim, the
   * time a lost send or a missed completion would be overdue, or a feed entry still to confirm. Absent when
   * nothing is pending; the sweeper finds work by this field alone, so a lost message only delays it.
   */
  sweepAt: z.iso.datetime({ offset: true }).optional(),
  /**
   * Status-feed entries of transitions not yet confirmed in the feed, written in the same replace as the
   * transition itself, so a process that dies before appending them loses none (the sweeper appends them).
   */
  feedOutbox: z.array(feedDraftSchema).optional(),
  /** Why the order ended as it did, when that is worth telling (e.g. a send condition that kept failing). */
  statusReason: z.string().optional(),
  /**
   * "emailByOrder" (every order registered since 2026-12-07): the one email of an order that can have one at
   * most takes the order's id (steps/notificationDrafts). An order registered before keeps the names its
   * notifications may already have, so processing it again never creates a second one.
   */
  naming: z.literal("emailByOrder").optional(),
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

/** Whether the order's send time has come. */
export function isDue(order: Pick<NewOrder, "requestedSendTime">, now: Date): boolean {
  return Date.parse(order.requestedSendTime) <= now.getTime();
}
