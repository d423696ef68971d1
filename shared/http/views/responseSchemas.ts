import { z } from "zod";
import {
  bulkOrderReceiptSchema,
  bulkOrderViewSchema,
  bulkPartReceiptSchema,
  bulkSubmissionSchema,
} from "./bulkOrderSchemas";
import { chainReceiptSchema, notificationChannels, orderTypes } from "../../domain/order";
import { emailResults, orderStatuses, smsResults } from "../../domain/statuses";
import {
  webhookDeliveryListSchema,
  webhookRedeliverySchema,
  webhookSubscriptionListSchema,
  webhookSubscriptionViewSchema,
} from "./webhookViews";
import { supportResponseSchemas } from "./supportViews";
import { templateListSchema, templateVersionsSchema, templateViewSchema } from "./templateViews";
import { erasureReportSchema } from "./erasureSchemas";

/**
 * What each route answers, as zod schemas: the views are typed from them (so a field added to a view without
 * its schema does not compile) and `openapi.json` publishes them as component schemas, so typed clients can be
 * generated. Dates are the stored ISO 8601 strings, described as `date-time` without a stricter pattern.
 */

const dateTime = z.string().meta({ format: "date-time" });
const uuid = z.string().meta({ format: "uuid" });

/** `NotificationOrderChainResponseExt` (`POST future/orders`) and the instant routes' receipt. */
const notificationOrderChainResponseSchema = chainReceiptSchema.meta({
  description: "The chain's id and the shipment id of the notification and of each reminder.",
});

/** A shipment's identity and lifecycle status (`Order_Registered`, `Order_Completed`, …). */
const shipmentSummarySchema = z.object({
  shipmentId: uuid,
  sendersReference: z.string().optional(),
  type: z.enum(orderTypes),
  status: z.string().meta({ description: "Order lifecycle status, e.g. Order_Completed." }),
  lastUpdate: dateTime,
});
export type ShipmentSummary = z.infer<typeof shipmentSummarySchema>;

/** `GET future/orders/{id}`. */
const orderChainSchema = z.object({
  notificationOrderId: uuid,
  idempotencyId: z.string(),
  created: dateTime,
  notification: shipmentSummarySchema.extend({ reminders: z.array(shipmentSummarySchema) }),
});

/** `PUT future/orders/{id}/cancel`. */
const chainCancellationSchema = z.object({
  notificationOrderId: uuid.optional().meta({ description: "Present when a whole chain was named." }),
  shipments: z.array(shipmentSummarySchema.extend({ cancelled: z.boolean() })),
});

/** `NotificationDeliveryManifestExt`: `GET future/shipment/{id}`. */
const shipmentSchema = shipmentSummarySchema.extend({
  recipients: z.array(
    z.object({
      type: z.enum(["Email", "SMS"]),
      destination: z.string(),
      status: z.string().meta({ description: "Email_… or SMS_… lifecycle status." }),
      lastUpdate: dateTime,
    }),
  ),
});
export type ShipmentView = z.infer<typeof shipmentSchema>;

/** One entry of `GET future/shipment/feed`. */
const statusFeedEntrySchema = z.object({
  sequenceNumber: z.number().int(),
  shipmentId: uuid,
  sendersReference: z.string().optional(),
  recipients: z.array(z.object({ destination: z.string(), status: z.string(), lastUpdate: dateTime })),
  status: z.string(),
  lastUpdate: dateTime,
  shipmentType: z.enum(orderTypes),
});
const statusFeedSchema = z.array(statusFeedEntrySchema);

/** `RecipientLookupResultExt`. */
const recipientLookupSchema = z.object({
  status: z.enum(["Success", "PartialSuccess", "Failed"]),
  isReserved: z.array(z.string()),
  missingContact: z.array(z.string()),
});

/** `OrderIdExt` (legacy `POST orders`, `orders/email`, `orders/sms`). */
const orderAcceptedSchema = z.object({
  orderId: uuid,
  recipientLookup: recipientLookupSchema.optional(),
});

const recipientSchema = z.object({
  emailAddress: z.string().optional(),
  mobileNumber: z.string().optional(),
  organizationNumber: z.string().optional(),
  nationalIdentityNumber: z.string().optional(),
  externalIdentity: z.string().optional(),
});

/** `NotificationOrderExt`: legacy `GET orders/{id}`. */
const notificationOrderSchema = z.object({
  id: uuid,
  sendersReference: z.string().optional(),
  requestedSendTime: dateTime,
  creator: z.string(),
  created: dateTime,
  notificationChannel: z.enum(notificationChannels),
  ignoreReservation: z.boolean().optional(),
  resourceId: z.string().optional(),
  resourceAction: z.string().optional(),
  conditionEndpoint: z.string().optional(),
  recipients: z.array(recipientSchema),
  emailTemplate: z
    .object({
      fromAddress: z.string(),
      subject: z.string(),
      body: z.string(),
      contentType: z.enum(["Plain", "Html"]),
    })
    .optional(),
  smsTemplate: z.object({ senderNumber: z.string(), body: z.string() }).optional(),
  links: z.object({ self: z.url(), status: z.url() }),
});
export type NotificationOrderView = z.infer<typeof notificationOrderSchema>;

/** `NotificationOrderListExt`: legacy `GET orders?sendersReference=`. */
const notificationOrderListSchema = z.object({
  count: z.number().int(),
  orders: z.array(notificationOrderSchema),
});

const channelSummarySchema = z.object({
  links: z.object({ self: z.url() }),
  generated: z.number().int(),
  succeeded: z.number().int(),
});

/** `NotificationOrderWithStatusExt`: legacy `GET orders/{id}/status` and `PUT orders/{id}/cancel`. */
const notificationOrderWithStatusSchema = notificationOrderSchema
  .omit({ recipients: true, emailTemplate: true, smsTemplate: true, links: true })
  .extend({
    processingStatus: z.object({
      status: z.enum(orderStatuses),
      description: z.string(),
      lastUpdate: dateTime,
    }),
    notificationsStatusSummary: z.object({
      email: channelSummarySchema.optional(),
      sms: channelSummarySchema.optional(),
    }),
  });
export type NotificationOrderWithStatusView = z.infer<typeof notificationOrderWithStatusSchema>;

function notificationSummary<Result extends string>(
  results: readonly [Result, ...Result[]],
  address: z.ZodObject,
) {
  return z.object({
    orderId: uuid,
    sendersReference: z.string().optional(),
    generated: z.number().int(),
    succeeded: z.number().int(),
    notifications: z.array(
      z.object({
        id: uuid,
        succeeded: z.boolean(),
        recipient: address.extend({
          organizationNumber: z.string().optional(),
          nationalIdentityNumber: z.string().optional(),
          isReserved: z.boolean().optional(),
        }),
        sendStatus: z.object({ status: z.enum(results), description: z.string(), lastUpdate: dateTime }),
      }),
    ),
  });
}

/** `EmailNotificationSummaryExt`: legacy `GET orders/{id}/notifications/email`. */
const emailNotificationSummarySchema = notificationSummary(
  emailResults,
  z.object({ emailAddress: z.string().optional() }),
);
/** `SmsNotificationSummaryExt`: legacy `GET orders/{id}/notifications/sms`. */
const smsNotificationSummarySchema = notificationSummary(
  smsResults,
  z.object({ mobileNumber: z.string().optional() }),
);

/** `GET operations/dead-delivery-reports`. */
const deadDeliveryReportListSchema = z.object({
  count: z.number().int(),
  reports: z.array(
    z.object({
      id: z.string(),
      channel: z.enum(["email", "sms"]),
      reason: z.enum(["NOTIFICATION_EXPIRED", "RETRY_THRESHOLD_EXCEEDED", "INVALID_REPORT"]),
      payload: z.unknown().meta({ description: "The report as received." }),
      firstSeen: dateTime,
      lastAttempt: dateTime,
      resolved: z.boolean(),
    }),
  ),
});

/** `POST operations/dead-delivery-reports/replay`. */
const deadDeliveryReportReplaySchema = z.object({
  replayed: z.number().int(),
  ids: z.array(z.string()),
});

/** `GET health` (text/plain) and the LINK acknowledgement (XML): documented as strings. */
const plainTextSchema = z.string();

/** `GET openapi.json`. */
const openApiDocumentSchema = z
  .record(z.string(), z.unknown())
  .meta({ description: "An OpenAPI 3.1 document." });

/** Response schemas by component name, as `openapi.json` lists them. */
export const responseSchemas = {
  NotificationOrderChainResponse: notificationOrderChainResponseSchema,
  OrderChain: orderChainSchema,
  ChainCancellation: chainCancellationSchema,
  Shipment: shipmentSchema,
  StatusFeed: statusFeedSchema,
  OrderAccepted: orderAcceptedSchema,
  NotificationOrder: notificationOrderSchema,
  NotificationOrderList: notificationOrderListSchema,
  NotificationOrderWithStatus: notificationOrderWithStatusSchema,
  EmailNotificationSummary: emailNotificationSummarySchema,
  SmsNotificationSummary: smsNotificationSummarySchema,
  DeadDeliveryReportList: deadDeliveryReportListSchema,
  DeadDeliveryReportReplay: deadDeliveryReportReplaySchema,
  ErasureReport: erasureReportSchema,
  PlainText: plainTextSchema,
  OpenApiDocument: openApiDocumentSchema,
  WebhookSubscription: webhookSubscriptionViewSchema,
  WebhookSubscriptionList: webhookSubscriptionListSchema,
  WebhookDeliveryList: webhookDeliveryListSchema,
  WebhookRedelivery: webhookRedeliverySchema,
  Template: templateViewSchema,
  TemplateList: templateListSchema,
  TemplateVersions: templateVersionsSchema,
  ...supportResponseSchemas,
  BulkOrderReceipt: bulkOrderReceiptSchema,
  BulkPartReceipt: bulkPartReceiptSchema,
  BulkSubmission: bulkSubmissionSchema,
  BulkOrderView: bulkOrderViewSchema,
} as const;
export type ResponseSchemaName = keyof typeof responseSchemas;
