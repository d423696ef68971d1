import { z } from "zod";
import {
  caseInsensitiveEnum,
  emailAddress,
  integerBetween,
  mobileNumber,
  requiredText,
  whenMissing,
} from "./fields";
import { instantSmsTimeToLiveSeconds } from "./timeLimits";

/**
 * `POST future/orders/instant/sms` and `POST future/orders/instant/email`: one message, sent while the
 * caller waits (one-time codes and the like). No lookup, no send condition, no reminders.
 */

const idempotencyIdField = requiredText("IdempotencyId cannot be null or empty.");

const timeToLiveMessage = "Time-to-live must be between 60 and 172800 seconds (48 hours).";

export const instantSmsOrderRequestSchema = z
  .object({
    idempotencyId: idempotencyIdField,
    sendersReference: z.string().optional(),
    recipientSms: z.object(
      {
        phoneNumber: mobileNumber(
          "Recipient phone number is not a valid mobile number.",
          "Recipient phone number cannot be null or empty.",
        ),
        timeToLiveInSeconds: integerBetween(
          instantSmsTimeToLiveSeconds.min,
          instantSmsTimeToLiveSeconds.max,
          {
            tooSmall: timeToLiveMessage,
            tooLarge: timeToLiveMessage,
          },
        ).meta({ description: "How long the SMS gateway keeps trying to deliver." }),
        smsSettings: z.object(
          {
            sender: z.string().optional(),
            body: requiredText("SMS body cannot be null or empty."),
          },
          whenMissing("SMS details cannot be null."),
        ),
      },
      whenMissing("SMS details cannot be null."),
    ),
  })
  .meta({ description: "POST future/orders/instant/sms: one SMS, sent before the response." });
export type InstantSmsOrderRequest = z.output<typeof instantSmsOrderRequestSchema>;

export const instantEmailOrderRequestSchema = z
  .object({
    idempotencyId: idempotencyIdField,
    sendersReference: z.string().optional(),
    recipientEmail: z.object(
      {
        emailAddress: emailAddress("Invalid email address format."),
        emailSettings: z.object(
          {
            senderEmailAddress: emailAddress("The sender email address is not valid.").optional(),
            subject: requiredText("The email subject cannot be empty."),
            body: requiredText("The email body cannot be empty."),
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
