import { z } from "zod";
import { isValidExternalIdentity } from "../norwegianIdentifiers";
import { notificationChannels } from "../order";
import { templateReferenceSchema } from "../templates";
import {
  boundedString,
  caseInsensitiveEnum,
  checkResourceAction,
  emailAddress,
  evenWhenOtherFieldsFailed,
  integerBetween,
  mobileNumber,
  nationalIdentityNumberProblem,
  optionalNonEmptyText,
  organizationNumberProblem,
  parseHttpUrl,
  reference,
  requiredText,
  smsBodyText,
  whenMissing,
} from "./fields";
import { maxReminders, maxTextLength } from "./limits";
import { currentRequestTime } from "./requestTime";
import { sendTime, sendTimeOrNow } from "./sendTime";
import { delayDaysLimits, delayedSendTimeMs, latestSendTimeMs, schedulingHorizonText } from "./timeLimits";

/**
 * `POST future/orders` (Altinn `NotificationOrderChainRequestExt`): one main notification to one recipient
 * specification, plus reminders. Messages are Altinn's, verbatim, except where noted.
 */

/** Altinn `EmailSendingOptionsExt`; `missingMessage` is what to say where the settings are required but absent. */
function emailSendingOptions(missingMessage?: string) {
  return z
    .object(
      {
        senderEmailAddress: emailAddress(
          "senderEmailAddress",
          "The sender email address is not valid.",
        ).optional(),
        subject: requiredText("The email subject must not be empty.", {
          field: "subject",
          max: maxTextLength.emailSubject,
        }),
        body: requiredText("The email body must not be empty.", {
          field: "body",
          max: maxTextLength.emailBody,
        }),
        contentType: caseInsensitiveEnum(
          ["Plain", "Html"],
          "Email content type must be either Plain or HTML.",
        ).default("Plain"),
        // Altinn accepts only Anytime for email; varsel also honours Daytime, so the message names both.
        sendingTimePolicy: caseInsensitiveEnum(
          ["Anytime", "Daytime"],
          "Email only supports send time daytime and anytime",
        ).default("Anytime"),
      },
      missingMessage === undefined ? undefined : whenMissing(missingMessage),
    )
    .meta({ description: "The email to send: subject, body and how to send it." });
}
export const emailSendingOptionsSchema = emailSendingOptions();
export type EmailSendingOptions = z.output<typeof emailSendingOptionsSchema>;

/** Altinn `SmsSendingOptionsExt`. */
function smsSendingOptions(missingMessage?: string) {
  return z
    .object(
      {
        sender: boundedString({ field: "sender", max: maxTextLength.smsSender }).optional(),
        body: smsBodyText("SMS body cannot be null or empty."),
        sendingTimePolicy: caseInsensitiveEnum(
          ["Daytime", "Anytime"],
          "SMS only supports send time daytime and anytime",
        ).default("Daytime"),
      },
      missingMessage === undefined ? undefined : whenMissing(missingMessage),
    )
    .meta({ description: "The SMS to send. Daytime SMS wait for the daytime window (Norwegian time)." });
}
const smsSendingOptionsSchema = smsSendingOptions();
export type SmsSendingOptions = z.output<typeof smsSendingOptionsSchema>;

const channelSchemaField = caseInsensitiveEnum(notificationChannels, "Invalid channel scheme value.");

const resourceIdField = boundedString(reference("resourceId"))
  .regex(/^urn:altinn:resource:.+$/, "ResourceId must have a valid syntax.")
  .optional();

/** Fields every recipient resolved by contact lookup has (Altinn `RecipientBaseExt`), besides channelSchema. */
const lookedUpRecipientFields = {
  emailSettings: emailSendingOptionsSchema.optional(),
  smsSettings: smsSendingOptionsSchema.optional(),
  resourceId: resourceIdField,
  resourceAction: optionalNonEmptyText(reference("resourceAction")),
  template: templateReferenceSchema.optional(),
};

interface LookedUpRecipient {
  channelSchema: string;
  emailSettings?: unknown;
  smsSettings?: unknown;
  template?: unknown;
  resourceId?: string;
  resourceAction?: string;
}

/** The settings a channel schema needs, and the message when they are missing (Altinn `RecipientBaseValidator`). */
function requireSettingsForChannel(recipient: LookedUpRecipient, ctx: z.RefinementCtx): void {
  // A template brings the texts (intake checks it has the channels the schema needs) and no settings go with it.
  if (recipient.template !== undefined) {
    if (recipient.emailSettings !== undefined || recipient.smsSettings !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: "Give either a template or emailSettings/smsSettings, not both.",
        path: ["template"],
      });
    }
    return;
  }
  const missing = (field: "emailSettings" | "smsSettings", message: string) => {
    if (recipient[field] === undefined) ctx.addIssue({ code: "custom", message, path: [field] });
  };
  switch (recipient.channelSchema) {
    case "Email":
      missing("emailSettings", "EmailSettings must be set when ChannelSchema is Email");
      break;
    case "Sms":
      missing("smsSettings", "SmsSettings must be set when ChannelSchema is Sms");
      break;
    case "EmailPreferred":
    case "SmsPreferred":
      missing(
        "emailSettings",
        "EmailSettings must be set when ChannelSchema is SmsPreferred or EmailPreferred",
      );
      missing("smsSettings", "SmsSettings must be set when ChannelSchema is SmsPreferred or EmailPreferred");
      break;
    case "EmailAndSms":
      missing("emailSettings", "EmailSettings must be set when ChannelSchema is EmailAndSms");
      missing("smsSettings", "SmsSettings must be set when ChannelSchema is EmailAndSms");
      break;
  }
}

export function checkLookedUpRecipient(recipient: LookedUpRecipient, ctx: z.RefinementCtx): void {
  requireSettingsForChannel(recipient, ctx);
  checkResourceAction(recipient, ctx);
}

export const recipientEmailSchema = z
  .object({
    emailAddress: emailAddress("emailAddress", "Invalid email address format."),
    emailSettings: emailSendingOptions("Recipient email settings cannot be null."),
  })
  .meta({ description: "Send an email to this address; no contact lookup." });

export const recipientSmsSchema = z
  .object({
    phoneNumber: mobileNumber(
      "phoneNumber",
      "Recipient phone number is not a valid mobile number.",
      "Recipient phone number cannot be null or empty.",
    ),
    smsSettings: smsSendingOptions("Recipient SMS settings cannot be null."),
  })
  .meta({ description: "Send an SMS to this number; no contact lookup." });

export const recipientPersonSchema = z
  .object({
    nationalIdentityNumber: boundedString(reference("nationalIdentityNumber"))
      .meta({ pattern: "^\\d{11}$" })
      .superRefine((text, ctx) => {
        const problem = nationalIdentityNumberProblem(text);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    channelSchema: channelSchemaField.default("EmailPreferred"),
    ignoreReservation: z.boolean().default(false),
    useStaleContactInformation: z.boolean().default(false),
    ...lookedUpRecipientFields,
  })
  .superRefine(checkLookedUpRecipient, evenWhenOtherFieldsFailed)
  .meta({ description: "A person, by national identity number; contact details come from KRR." });

export const recipientOrganizationSchema = z
  .object({
    orgNumber: requiredText("OrgNumber cannot be null or empty.", reference("orgNumber"))
      .meta({ pattern: "^\\d{9}$" })
      .superRefine((text, ctx) => {
        const problem = text.trim() === "" ? undefined : organizationNumberProblem(text);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    channelSchema: channelSchemaField,
    ...lookedUpRecipientFields,
  })
  .superRefine(checkLookedUpRecipient, evenWhenOtherFieldsFailed)
  .meta({
    description: "An organization, by organization number; contact details are its notification addresses.",
  });

export const recipientExternalIdentitySchema = z
  .object({
    externalIdentity: requiredText("ExternalIdentity cannot be null or empty.", {
      field: "externalIdentity",
      max: maxTextLength.externalIdentity,
    }).superRefine((text, ctx) => {
      if (text.trim() !== "" && !isValidExternalIdentity(text)) {
        ctx.addIssue({ code: "custom", message: "Invalid external identity URN format." });
      }
    }),
    channelSchema: channelSchemaField.default("Email"),
    ...lookedUpRecipientFields,
  })
  .superRefine(checkLookedUpRecipient, evenWhenOtherFieldsFailed)
  .meta({
    description:
      "A user without a national identity number: urn:altinn:person:idporten-email:{email} or urn:altinn:username:{username}.",
  });

const recipientKinds = [
  "recipientEmail",
  "recipientSms",
  "recipientPerson",
  "recipientOrganization",
  "recipientExternalIdentity",
] as const;

/** Altinn `NotificationRecipientExt`: exactly one of its members is set. */
const notificationRecipientSchema = z
  .object(
    {
      recipientEmail: recipientEmailSchema.optional(),
      recipientSms: recipientSmsSchema.optional(),
      recipientPerson: recipientPersonSchema.optional(),
      recipientOrganization: recipientOrganizationSchema.optional(),
      recipientExternalIdentity: recipientExternalIdentitySchema.optional(),
    },
    whenMissing("Recipient specification cannot be null."),
  )
  .superRefine((recipient, ctx) => {
    const setKinds = recipientKinds.filter((kind) => recipient[kind] !== undefined);
    if (setKinds.length !== 1) ctx.addIssue({ code: "custom", message: "Must have exactly one recipient." });
  }, evenWhenOtherFieldsFailed)
  .meta({ description: "Who to notify: exactly one of the recipient kinds." });
export type NotificationRecipient = z.output<typeof notificationRecipientSchema>;

/** varsel extension: what to do when the condition endpoint keeps failing (Altinn always sends). */
const conditionFailurePolicyField = caseInsensitiveEnum(
  ["send", "skip"],
  "ConditionFailurePolicy must be either send or skip.",
)
  .default("send")
  .meta({
    description:
      "varsel extension. What to do when the condition endpoint cannot be evaluated after a retry: send (Altinn's behaviour) or skip.",
  });

const conditionEndpointField = boundedString({ field: "conditionEndpoint", max: maxTextLength.url })
  .superRefine((text, ctx) => {
    const url = parseHttpUrl(text);
    if (url === "not-absolute") {
      ctx.addIssue({ code: "custom", message: "ConditionEndpoint must be a valid absolute URI or null." });
    } else if (url === "not-http") {
      ctx.addIssue({ code: "custom", message: "ConditionEndpoint must use http or https scheme." });
    }
  })
  .meta({ format: "uri", description: 'Called before sending; answers {"sendNotification": true|false}.' })
  .optional();

const notificationReminderSchema = z
  .object({
    sendersReference: boundedString(reference("sendersReference")).optional(),
    conditionEndpoint: conditionEndpointField,
    conditionFailurePolicy: conditionFailurePolicyField,
    delayDays: integerBetween(delayDaysLimits.min, delayDaysLimits.max, {
      tooSmall: "DelayDays must be greater than or equal to 1 day.",
      // The bound is the horizon itself: the main order is never earlier than now.
      tooLarge: `DelayDays must be less than or equal to ${schedulingHorizonText}.`,
    })
      .meta({
        description: `Days after the main notification's send time; the sum, too, must be at most ${schedulingHorizonText} after the request.`,
      })
      .optional(),
    requestedSendTime: sendTime({
      missingTimeZone: "The RequestedSendTime must have specified a time zone.",
      tooEarly: "RequestedSendTime must be greater than or equal to the current UTC time.",
      toleranceMs: 0,
      tooLate: `RequestedSendTime must be less than or equal to ${schedulingHorizonText} after the current UTC time.`,
    }).optional(),
    recipient: notificationRecipientSchema,
  })
  .superRefine((reminder, ctx) => {
    const hasDelay = reminder.delayDays !== undefined;
    const hasTime = reminder.requestedSendTime !== undefined;
    if (hasDelay === hasTime) {
      ctx.addIssue({
        code: "custom",
        message: "Either DelayDays or RequestedSendTime must be defined, but not both.",
      });
    }
    // Altinn reports a reminder with both from each side as well; kept for clients that match on these.
    if (hasDelay && hasTime) {
      ctx.addIssue({
        code: "custom",
        message: "RequestedSendTime must be null when DelayDays is set.",
        path: ["requestedSendTime"],
      });
      ctx.addIssue({
        code: "custom",
        message: "DelayDays must be null when RequestedSendTime is set.",
        path: ["delayDays"],
      });
    }
  }, evenWhenOtherFieldsFailed)
  .meta({ description: "A follow-up notification: delayDays after the main one, or at requestedSendTime." });
export type NotificationReminder = z.output<typeof notificationReminderSchema>;

const delayedPastHorizonMessage = `RequestedSendTime plus DelayDays must be less than or equal to ${schedulingHorizonText} from now.`;

/**
 * A reminder after `delayDays` is sent that many days after the main send time, so each bound alone does not
 * bound it: a main time nine years ahead plus 3000 days passes both and lands 17 years ahead. Checked here,
 * where both are known, and
 * reported at the reminder's delayDays. Skipped where either failed its own rule (the value may be anything
 * then, and the client is told about that field already), except a main time past the horizon, which is
 * still a time and makes every delayed reminder late too.
 */
function checkDelayedReminders(
  order: { requestedSendTime: unknown; reminders: unknown },
  ctx: z.RefinementCtx,
): void {
  const { requestedSendTime, reminders } = order;
  if (typeof requestedSendTime !== "string" || !Array.isArray(reminders)) return;
  const mainSendTimeMs = Date.parse(requestedSendTime);
  const latestMs = latestSendTimeMs(currentRequestTime());
  const list: readonly unknown[] = reminders;
  list.forEach((reminder, index) => {
    const delayDays = delayDaysOf(reminder);
    if (delayDays === undefined) return;
    if (delayedSendTimeMs(mainSendTimeMs, delayDays) > latestMs) {
      ctx.addIssue({
        code: "custom",
        message: delayedPastHorizonMessage,
        path: ["reminders", index, "delayDays"],
      });
    }
  });
}

/** A reminder's delayDays if it passed its own rule, so adding it to a time stays small arithmetic. */
function delayDaysOf(reminder: unknown): number | undefined {
  if (typeof reminder !== "object" || reminder === null || !("delayDays" in reminder)) return undefined;
  const { delayDays } = reminder;
  const valid =
    typeof delayDays === "number" &&
    Number.isInteger(delayDays) &&
    delayDays >= delayDaysLimits.min &&
    delayDays <= delayDaysLimits.max;
  return valid ? delayDays : undefined;
}

export const futureOrderRequestSchema = z
  .object({
    idempotencyId: requiredText("IdempotencyId cannot be null or empty.", reference("idempotencyId")),
    sendersReference: boundedString(reference("sendersReference")).optional(),
    requestedSendTime: sendTimeOrNow({
      missingTimeZone: "The requested send time value must have specified a time zone.",
      tooEarly: "RequestedSendTime must be greater than or equal to now.",
      toleranceMs: 0,
      tooLate: `RequestedSendTime must be less than or equal to ${schedulingHorizonText} from now.`,
    }),
    conditionEndpoint: conditionEndpointField,
    conditionFailurePolicy: conditionFailurePolicyField,
    dialogportenAssociation: z
      .object({
        dialogId: boundedString(reference("dialogId")).optional(),
        transmissionId: boundedString(reference("transmissionId")).optional(),
      })
      .optional(),
    recipient: notificationRecipientSchema,
    reminders: z
      .array(notificationReminderSchema)
      .max(maxReminders, {
        error: `The field Reminders must be a string or array type with a maximum length of '${maxReminders}'.`,
      })
      .default([]),
  })
  .superRefine(checkDelayedReminders, evenWhenOtherFieldsFailed)
  .meta({
    description:
      "POST future/orders: a notification to one recipient specification, with optional reminders. Repeating an idempotencyId returns the first order.",
  });
export type FutureOrderRequest = z.output<typeof futureOrderRequestSchema>;
