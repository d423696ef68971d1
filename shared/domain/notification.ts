import { z } from "zod";
import { attachmentReferenceSchema } from "./attachments";
import { sendingTimePolicies, storedTraceparentSchema } from "./order";
import { emailResults, smsResults } from "./statuses";

const notificationBase = {
  id: z.uuid(),
  orderId: z.uuid(),
  creator: z.string(),
  created: z.iso.datetime({ offset: true }),
  statusChangedAt: z.iso.datetime({ offset: true }),
  /** After this instant no status update is applied; the terminate job finalises it. */
  expiry: z.iso.datetime({ offset: true }),
  /** Not sent before this instant (sending-time window). */
  sendAfter: z.iso.datetime({ offset: true }),
  /** The template's sending-time policy, applied again whenever a send is (re)scheduled. */
  sendingTimePolicy: z.enum(sendingTimePolicies).default("Anytime"),
  recipient: z.object({
    address: z.string().optional(),
    nationalIdentityNumber: z.string().optional(),
    organizationNumber: z.string().optional(),
    externalIdentity: z.string().optional(),
    isReserved: z.boolean().optional(),
  }),
  body: z.string(),
  /** The send batch that sends it, when it is sent in one (see domain/sendBatch.ts). */
  batchId: z.string().optional(),
  /** Provider reference: ACS operation id or LINK gateway reference. */
  reference: z.string().optional(),
  deliveryReport: z.unknown().optional(),
  /** Its order is completed by the sweeper (domain/completion.ts), so a delivery report need not check it. */
  completedBySweeper: z.boolean().optional(),
  /** It stands for its order's processing, which no write recorded (domain/heldOrders.ts). */
  holdsOrderStatus: z.boolean().optional(),
  /**
   * Its order's `traceparent`, copied when the notification is created (written anyway): a delivery report or
   * the terminate job, which read the notification to update it, continue the order's trace from here.
   */
  traceparent: storedTraceparentSchema,
  _etag: z.string().optional(),
};

const emailNotificationSchema = z.object({
  ...notificationBase,
  channel: z.literal("email"),
  status: z.enum(emailResults),
  from: z.string(),
  subject: z.string(),
  contentType: z.enum(["Plain", "Html"]),
  /** Files read by SAS URL when the email is sent (composed email). */
  attachments: z.array(attachmentReferenceSchema).optional(),
});

const smsNotificationSchema = z.object({
  ...notificationBase,
  channel: z.literal("sms"),
  status: z.enum(smsResults),
  sender: z.string(),
  timeToLiveSeconds: z.number().int().optional(),
});

/** One email or SMS to one address, stored in the `notifications` container partitioned by order id. */
export const notificationDocumentSchema = z.discriminatedUnion("channel", [
  emailNotificationSchema,
  smsNotificationSchema,
]);
export type NotificationDocument = z.infer<typeof notificationDocumentSchema>;
export type EmailNotificationDocument = z.infer<typeof emailNotificationSchema>;
export type SmsNotificationDocument = z.infer<typeof smsNotificationSchema>;
