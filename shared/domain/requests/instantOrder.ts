import { z } from "zod";
import {
  boundedString,
  caseInsensitiveEnum,
  emailAddress,
  integerBetween,
  mobileNumber,
  reference,
  requiredText,
  smsBodyText,
  whenMissing,
} from "./fields";
import { maxTextLength } from "./limits";
import { instantSmsTimeToLiveSeconds } from "./timeLimits";

/**
 * `POST future/orders/instant/sms` and `POST future/orders/instant/email`: one message, sent while the
 * caller waits (one-time codes and the like). No lookup, no send condition, no reminders.
 */

const idempotencyIdField = requiredText("IdempotencyId cannot be null or empty.", reference("idempotencyId"));
const sendersReferenceField = boundedString(reference("sendersReference")).optional();

const timeToLiveMessage = "Time-to-live must be between 60 and 172800 seconds (48 hours).";

/** `recipientSms` of the instant SMS routes (`ShortMessageDeliveryDetailsExt`). */
const recipientSmsSchema = z.object(
  {
    phoneNumber: mobileNumber(
      "phoneNumber",
      "Recipient phone number is not a valid mobile number.",
      "Recipient phone number cannot be null or empty.",
    ),
    timeToLiveInSeconds: integerBetween(instantSmsTimeToLiveSeconds.min, instantSmsTimeToLiveSeconds.max, {
      tooSmall: timeToLiveMessage,
      tooLarge: timeToLiveMessage,
    }).meta({ description: "How long the SMS gateway keeps trying to deliver." }),
    smsSettings: z.object(
      {
        sender: boundedString({ field: "sender", max: maxTextLength.smsSender }).optional(),
        body: smsBodyText("SMS body cannot be null or empty."),
      },
      whenMissing("SMS details cannot be null."),
    ),
  },
  whenMissing("SMS details cannot be null."),
);

export const instantSmsOrderRequestSchema = z
  .object({
    idempotencyId: idempotencyIdField,
    sendersReference: sendersReferenceField,
    recipientSms: recipientSmsSchema,
  })
  .meta({ description: "POST future/orders/instant/sms: one SMS, sent before the response." });
export type InstantSmsOrderRequest = z.output<typeof instantSmsOrderRequestSchema>;

/** `POST future/orders/instant`, Altinn's older (deprecated) instant SMS route: the SMS under `recipient`. */
export const instantNotificationOrderRequestSchema = z
  .object({
    idempotencyId: idempotencyIdField,
    sendersReference: sendersReferenceField,
    recipient: z.object({ recipientSms: recipientSmsSchema }, whenMissing("Recipient cannot be null.")),
  })
  .meta({
    description: "POST future/orders/instant (deprecated in Altinn; use instant/sms): one SMS, sent now.",
  });

export const instantEmailOrderRequestSchema = z
  .object({
    idempotencyId: idempotencyIdField,
    sendersReference: sendersReferenceField,
    recipientEmail: z.object(
      {
        emailAddress: emailAddress("emailAddress", "Invalid email address format."),
        emailSettings: z.object(
          {
            senderEmailAddress: emailAddress(
              "senderEmailAddress",
              "The sender email address is not valid.",
            ).optional(),
            subject: requiredText("The email subject cannot be empty.", {
              field: "subject",
              max: maxTextLength.emailSubject,
            }),
            body: requiredText("The email body cannot be empty.", {
              field: "body",
              max: maxTextLength.emailBody,
            }),
            contentType: caseInsensitiveEnum(
              ["Plain", "Html"],
              "Email content type must be either Plain or HTML.",
            ).default("Plain"),
          },
          whenMissing("Email settings cannot be null."),
        ),
      },
      whenMissing("Email details cannot be null."),
    ),
  })
  .meta({ description: "POST future/orders/instant/email: one email, sent before the response." });
export type InstantEmailOrderRequest = z.output<typeof instantEmailOrderRequestSchema>;
