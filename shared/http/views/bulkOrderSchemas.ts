import { z } from "zod";
import { notificationProgressSchema } from "../../domain/bulkOrder";

/** What the bulk order routes answer (docs/bulk-orders.md), published in openapi.json with the others. */

const uuid = z.string().meta({ format: "uuid" });
const dateTime = z.string().meta({ format: "date-time" });
const url = z.string().meta({ format: "uri" });

export const bulkOrderReceiptSchema = z
  .object({
    notificationOrderId: uuid,
    partRecipients: z
      .number()
      .int()
      .meta({ description: "Recipients per part; every part but the last holds exactly this many." }),
    maxParts: z.number().int(),
    links: z.object({
      self: url,
      upload: z.string().meta({ description: "PUT each part here, {part} from 1." }),
      submit: url,
    }),
  })
  .meta({ description: "The bulk order, open for its recipient parts." });

export const bulkPartReceiptSchema = z
  .object({ part: z.number().int(), recipients: z.number().int() })
  .meta({ description: "The part was accepted (201), or had been with the same recipients (200)." });

export const bulkSubmissionSchema = z
  .object({ notificationOrderId: uuid, recipientCount: z.number().int(), links: z.object({ self: url }) })
  .meta({ description: "The order is registered with its recipients and processed at its send time." });

export const bulkOrderViewSchema = z
  .object({
    notificationOrderId: uuid,
    idempotencyId: z.string(),
    sendersReference: z.string().optional(),
    requestedSendTime: dateTime,
    created: dateTime,
    status: z.string().meta({
      description:
        "Uploading (parts may be uploaded), Submitted, Cancelled, or the order's status once registered: Registered, Processing, Processed, Completed, SendConditionNotMet, Cancelled.",
    }),
    statusReason: z.string().optional(),
    parts: z.array(
      z.object({
        part: z.number().int(),
        status: z.enum(["Uploading", "Accepted"]),
        recipients: z.number().int().optional(),
      }),
    ),
    recipientsUploaded: z.number().int(),
    recipientCount: z.number().int().optional(),
    recipientsProcessed: z
      .number()
      .int()
      .optional()
      .meta({ description: "Recipients the fan-out has turned into notifications." }),
    recipientsRemaining: z.number().int().optional(),
    notifications: notificationProgressSchema.extend({ countedAt: dateTime }).optional().meta({
      description:
        "The order's notifications by where they are (accepted: by the provider, awaiting its report), counted at most every 30 s.",
    }),
    links: z.object({ self: url, shipment: url.optional() }),
  })
  .meta({ description: "A bulk order's parts and, once submitted, its progress." });
