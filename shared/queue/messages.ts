import { z } from "zod";

/** `process-order`: expand one released order into notifications. */
export const processOrderMessageSchema = z.object({
  orderId: z.uuid(),
  /** 2 on the single retry after a send-condition error. */
  conditionAttempt: z.number().int().min(1).max(2).default(1),
});
export type ProcessOrderMessage = z.infer<typeof processOrderMessageSchema>;

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

/** What the send queues carry: one notification, or a batch of them. */
export const sendMessageSchema = z.union([sendBatchMessageSchema, sendNotificationMessageSchema]);

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
