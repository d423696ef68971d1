import { z } from "zod";
import type { StoredRecipient } from "../order";
import { evenWhenOtherFieldsFailed } from "./fields";
import {
  checkLookedUpRecipient,
  futureOrderRequestSchema,
  recipientEmailSchema,
  recipientExternalIdentitySchema,
  recipientOrganizationSchema,
  recipientPersonSchema,
  recipientSmsSchema,
} from "./futureOrder";

/**
 * `POST future/orders/bulk` and the recipient lines of its parts. The order's fields are those of a
 * `future/orders` request without the recipient: the fields of `recipientPerson` but its number (channel,
 * settings, reservation, resource) move up to the order and hold for every recipient. Each line names one
 * recipient with the field of the matching `future/orders` recipient type, under the same rules and messages.
 */

/** The bounds of a bulk order; the README, docs/bulk-orders.md and the OpenAPI document state them. */
export const bulkLimits = {
  /** Recipients per uploaded part; every part but the last holds exactly this many. */
  partRecipients: 100_000,
  /** Parts per order: 5,000,000 recipients. */
  parts: 50,
  /** Bytes per part: 100,000 lines of about 330 bytes (the longest identifier, an external identity, in JSON). */
  partBytes: 32 * 1024 * 1024,
  /** Bytes per line: longer lines are refused as such without being kept. */
  lineBytes: 2048,
  /** Line problems listed in one answer (the answer counts them all). */
  reportedLineErrors: 100,
} as const;

const order = futureOrderRequestSchema.shape;
const person = recipientPersonSchema.shape;

export const bulkOrderRequestSchema = z
  .object({
    idempotencyId: order.idempotencyId,
    sendersReference: order.sendersReference,
    requestedSendTime: order.requestedSendTime,
    conditionEndpoint: order.conditionEndpoint,
    conditionFailurePolicy: order.conditionFailurePolicy,
    dialogportenAssociation: order.dialogportenAssociation,
    channelSchema: person.channelSchema,
    ignoreReservation: person.ignoreReservation,
    useStaleContactInformation: person.useStaleContactInformation,
    emailSettings: person.emailSettings,
    smsSettings: person.smsSettings,
    resourceId: person.resourceId,
    resourceAction: person.resourceAction,
  })
  .superRefine(checkLookedUpRecipient, evenWhenOtherFieldsFailed)
  .meta({
    description:
      "POST future/orders/bulk: a notification to many recipients, uploaded in parts after this request. Repeating an idempotencyId returns the first order.",
  });
export type BulkOrderRequest = z.output<typeof bulkOrderRequestSchema>;

/** The fields a recipient line may name, as in the `future/orders` recipient types. */
export const recipientLineFields = [
  "nationalIdentityNumber",
  "orgNumber",
  "emailAddress",
  "phoneNumber",
  "externalIdentity",
] as const;
export type RecipientLineField = (typeof recipientLineFields)[number];

const lineSchema = z
  .object({
    nationalIdentityNumber: person.nationalIdentityNumber.optional(),
    orgNumber: recipientOrganizationSchema.shape.orgNumber.optional(),
    emailAddress: recipientEmailSchema.shape.emailAddress.optional(),
    phoneNumber: recipientSmsSchema.shape.phoneNumber.optional(),
    externalIdentity: recipientExternalIdentitySchema.shape.externalIdentity.optional(),
  })
  .superRefine((line, ctx) => {
    const named = recipientLineFields.filter((field) => line[field] !== undefined);
    if (named.length !== 1) ctx.addIssue({ code: "custom", message: "Must have exactly one recipient." });
  }, evenWhenOtherFieldsFailed);

/** The settings an order has, which decide whether it can send to plain addresses. */
interface BulkChannels {
  email: boolean;
  sms: boolean;
}

/**
 * One recipient line, parsed (an object of line fields), with the order's settings: the recipient as stored,
 * or the problems by field. A plain email address needs the order's emailSettings and a plain phone number
 * its smsSettings, with the messages `recipientEmail` and `recipientSms` give when theirs are missing.
 */
export function recipientLineSchema(channels: BulkChannels) {
  return lineSchema
    .superRefine((line, ctx) => {
      if (line.emailAddress !== undefined && !channels.email) {
        ctx.addIssue({
          code: "custom",
          message: "Recipient email settings cannot be null.",
          path: ["emailAddress"],
        });
      }
      if (line.phoneNumber !== undefined && !channels.sms) {
        ctx.addIssue({
          code: "custom",
          message: "Recipient SMS settings cannot be null.",
          path: ["phoneNumber"],
        });
      }
    }, evenWhenOtherFieldsFailed)
    .transform((line): StoredRecipient => {
      if (line.nationalIdentityNumber !== undefined)
        return { nationalIdentityNumber: line.nationalIdentityNumber };
      if (line.orgNumber !== undefined) return { organizationNumber: line.orgNumber };
      if (line.emailAddress !== undefined) return { emailAddress: line.emailAddress };
      if (line.phoneNumber !== undefined) return { mobileNumber: line.phoneNumber };
      return { externalIdentity: line.externalIdentity };
    });
}
