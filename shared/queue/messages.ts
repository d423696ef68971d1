import { z } from "zod";

/** Orders one process message carries at most: a release of many small orders costs one message. */
export const maxOrdersPerMessage = 50;
/** Single sends one send message carries at most. */
export const maxSendsPerMessage = 100;

/** `process-order`: expand one released order into notifications. */
const processOneOrderMessageSchema = z.object({
  orderId: z.uuid(),
  /** 2 on the single retry after a send-condition error. */
  conditionAttempt: z.number().int().min(1).max(2).default(1),
});
export type ProcessOrderMessage = z.infer<typeof processOneOrderMessageSchema>;

/** `process-order`: expand many released orders (none with a send condition) into notifications at once. */
const processOrderGroupMessageSchema = z.object({
  orderIds: z.array(z.uuid()).min(1).max(maxOrdersPerMessage),
});
export type ProcessOrderGroupMessage = z.infer<typeof processOrderGroupMessageSchema>;

export const processOrderMessageSchema = z.union([
  processOrderGroupMessageSchema,
  processOneOrderMessageSchema,
]);

/** `send-email` / `send-sms`: send one notification. */
const sendNotificationMessageSchema = z.object({
  orderId: z.uuid(),
  notificationId: z.uuid(),
  /** How many times a transient provider failure has rescheduled this send. */
  retry: z.number().int().min(0).default(0),
});
export type SendNotificationMessage = z.infer<typeof sendNotificationMessageSchema>;

/** `send-email` / `send-sms`: send one batch of notifications of one order. */
const sendBatchMessageSchema = z.object({
  orderId: z.uuid(),
  batchId: z.string(),
  /** How many times the batch was put back (a transient provider failure, the sending window). */
  attempt: z.number().int().min(0).default(0),
});
export type SendBatchMessage = z.infer<typeof sendBatchMessageSchema>;

/** `send-email` / `send-sms`: single sends of many orders, each sent as its own message would send it. */
const sendGroupMessageSchema = z.object({
  sends: z
    .array(z.object({ orderId: z.uuid(), notificationId: z.uuid() }))
    .min(1)
    .max(maxSendsPerMessage),
});
export type SendGroupMessage = z.infer<typeof sendGroupMessageSchema>;

/** What the send queues carry: one notification, a batch of one order's, or single sends of many orders. */
export const sendMessageSchema = z.union([
  sendGroupMessageSchema,
  sendBatchMessageSchema,
  sendNotificationMessageSchema,
]);

/**
 * `delivery-reports` carries ACS Event Grid events as Event Grid delivers them, and our own envelope for
 * LINK reports received over HTTP and for reports waiting for their send result.
 */
export const reportEnvelopeSchema = z.object({
  varselReport: z.object({
    provider: z.enum(["acs", "link"]),
    /** When the report first reached us; bounds how long an early report is retried. */
    firstSeen: z.iso.datetime({ offset: true }),
    attempt: z.number().int().min(0).default(0),
    contentType: z.string().optional(),
    payload: z.unknown(),
  }),
});
export type ReportEnvelope = z.infer<typeof reportEnvelopeSchema>;
