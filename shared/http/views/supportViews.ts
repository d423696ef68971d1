import { z } from "zod";
import { notificationChannels, orderTypes } from "../../domain/order";

const dateTime = z.string().meta({ format: "date-time" });

/** `DashboardNotificationExt`: one shipment to the recipient asked about, with each delivery attempt. */
const recipientShipmentSchema = z.object({
  shipmentId: z.string().meta({ format: "uuid" }),
  creatorName: z.string(),
  resourceId: z.string().optional(),
  sendersReference: z.string().optional(),
  requestedSendTime: dateTime,
  notificationChannel: z.enum(notificationChannels),
  notificationType: z.enum(orderTypes),
  deliveryAttempts: z.array(
    z.object({
      nationalIdentityNumber: z.string().optional(),
      organizationNumber: z.string().optional(),
      channel: z.enum(["email", "sms"]),
      emailAddress: z.string().optional(),
      mobileNumber: z.string().optional(),
      result: z.string().meta({ description: "The notification's result, e.g. Delivered or Failed_TTL." }),
      resultTime: dateTime,
    }),
  ),
});
export type RecipientShipmentView = z.infer<typeof recipientShipmentSchema>;

/** Altinn's `SendConditionResponse`. */
const sendConditionResponseSchema = z.object({ sendNotification: z.boolean() });

/** `GET metrics/monthly`: notifications per organisation and channel in a month. */
const monthlyUsageSchema = z.object({
  year: z.number().int(),
  month: z.number().int(),
  metrics: z.array(
    z.object({ creator: z.string(), channel: z.enum(["email", "sms"]), notifications: z.number().int() }),
  ),
});

/** The component schemas of the support routes, as `openapi.json` lists them. */
export const supportResponseSchemas = {
  MonthlyUsage: monthlyUsageSchema,
  ParquetFile: z.string().meta({ format: "binary", description: "A Parquet file." }),
  RecipientShipmentList: z.array(recipientShipmentSchema),
  SendConditionResponse: sendConditionResponseSchema,
} as const;
