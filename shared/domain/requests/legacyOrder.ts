import { z } from "zod";
import { isValidEmailAddress, normalizeMobileNumber } from "../norwegianIdentifiers";
import { notificationChannels } from "../order";
import {
  boundedString,
  caseInsensitiveEnum,
  checkResourceAction,
  emailAddress,
  evenWhenOtherFieldsFailed,
  nationalIdentityNumberProblem,
  optionalNonEmptyText,
  organizationNumberProblem,
  parseHttpUrl,
  reference,
  requiredText,
  smsBodyText,
  whenMissing,
  type TextLimit,
} from "./fields";
import { maxLegacyRecipients, maxTextLength } from "./limits";
import { sendTimeOrNow } from "./sendTime";
import { schedulingHorizonText } from "./timeLimits";

/**
 * The legacy ("v1") order endpoints: `POST orders`, `POST orders/email` and `POST orders/sms`
 * (Altinn `NotificationOrderRequestExt`, `EmailNotificationOrderRequestExt`, `SmsNotificationOrderRequestExt`),
 * with Altinn's v1 messages.
 */

/** Optional text that must pass `problemOf` when given; `""` counts as absent (Altinn checks `IsNullOrEmpty`). */
function optionalChecked(limit: TextLimit, problemOf: (text: string) => string | undefined) {
  return optionalNonEmptyText(limit).superRefine((text, ctx) => {
    const problem = text === undefined ? undefined : problemOf(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** An optional mobile number, output in E.164; `""` counts as absent. */
function optionalMobileNumber(invalidMessage: string) {
  return optionalNonEmptyText({ field: "mobileNumber", max: maxTextLength.mobileNumber }).transform(
    (text, ctx) => {
      if (text === undefined) return undefined;
      const normalized = normalizeMobileNumber(text);
      if (normalized === undefined) ctx.addIssue({ code: "custom", message: invalidMessage });
      // On failure the text stays, so the "must provide" rule still sees a number was given (as Altinn's does).
      return normalized ?? text;
    },
  );
}

/** Altinn `RecipientExt`: a direct address, or an identifier for contact lookup. */
const legacyRecipientSchema = z
  .object({
    emailAddress: optionalChecked({ field: "emailAddress", max: maxTextLength.emailAddress }, (text) =>
      isValidEmailAddress(text) ? undefined : "Invalid email address format.",
    ),
    mobileNumber: optionalMobileNumber(
      "Mobile number can contain only '+' and numeric characters, and it must adhere to the E.164 standard.",
    ),
    organizationNumber: optionalChecked(reference("organizationNumber"), organizationNumberProblem),
    nationalIdentityNumber: optionalChecked(
      reference("nationalIdentityNumber"),
      nationalIdentityNumberProblem,
    ),
  })
  .superRefine((recipient, ctx) => {
    if (recipient.nationalIdentityNumber !== undefined) {
      if (recipient.emailAddress ?? recipient.mobileNumber ?? recipient.organizationNumber) {
        ctx.addIssue({
          code: "custom",
          message:
            "National identity number cannot be combined with email address, mobile number, or organization number.",
        });
      }
    }
    if (recipient.organizationNumber !== undefined) {
      if (recipient.emailAddress ?? recipient.mobileNumber ?? recipient.nationalIdentityNumber) {
        ctx.addIssue({
          code: "custom",
          message:
            "Organization number cannot be combined with email address, mobile number, or national identity number.",
        });
      }
    }
  }, evenWhenOtherFieldsFailed)
  .meta({
    description:
      "One addressee: an email address and/or mobile number, or an organization number, or a national identity number.",
  });
type LegacyRecipient = z.output<typeof legacyRecipientSchema>;

type RecipientRuleSet = "email" | "sms" | "preferred";

/** A recipient as the cross-field rules see it: fields that failed their own rule may hold anything. */
type RecipientFields = { [Field in keyof LegacyRecipient]?: unknown };

/** What each recipient must carry for the channel, and the message when it does not (Altinn `RecipientRules`). */
const recipientRules: Record<RecipientRuleSet, { has: (r: RecipientFields) => boolean; message: string }> = {
  email: {
    has: (r) => Boolean(r.emailAddress ?? r.organizationNumber ?? r.nationalIdentityNumber),
    message:
      "Either a valid email address, organization number, or national identity number must be provided for each recipient.",
  },
  sms: {
    has: (r) => Boolean(r.mobileNumber ?? r.organizationNumber ?? r.nationalIdentityNumber),
    message:
      "Either a valid mobile number starting with country code, organization number, or national identity number must be provided for each recipient.",
  },
  preferred: {
    has: (r) => Boolean(r.emailAddress ?? r.mobileNumber ?? r.organizationNumber ?? r.nationalIdentityNumber),
    message:
      "Either a valid email address, mobile number starting with country code, organization number, or national identity number must be provided for each recipient.",
  },
};

function checkRecipientsFor(ruleSet: RecipientRuleSet, recipients: unknown, ctx: z.RefinementCtx): void {
  if (!Array.isArray(recipients)) return;
  const rules = recipientRules[ruleSet];
  const list: readonly unknown[] = recipients;
  list.forEach((recipient, index) => {
    if (isRecipientObject(recipient) && !rules.has(recipient)) {
      ctx.addIssue({ code: "custom", message: rules.message, path: ["recipients", index] });
    }
  });
}

function isRecipientObject(value: unknown): value is RecipientFields {
  return typeof value === "object" && value !== null;
}

const oneOrMoreRecipients = "One or more recipient is required.";

/** Fields shared by the three v1 order requests (Altinn `NotificationOrderRequestBaseExt`). */
const legacyOrderBaseFields = {
  sendersReference: boundedString(reference("sendersReference")).optional(),
  requestedSendTime: sendTimeOrNow({
    missingTimeZone: "The requested send time value must have specified a time zone.",
    tooEarly: "Send time must be in the future. Leave blank to send immediately.",
    // v1 tolerates clocks a little behind ours.
    toleranceMs: 5 * 60_000,
    tooLate: `Send time must be at most ${schedulingHorizonText} in the future.`,
  }),
  conditionEndpoint: boundedString({ field: "conditionEndpoint", max: maxTextLength.url })
    .refine(isValidLegacyConditionEndpoint, "The condition endpoint must be a valid URL.")
    .meta({ format: "uri" })
    .optional(),
  conditionFailurePolicy: caseInsensitiveEnum(
    ["send", "skip"],
    "ConditionFailurePolicy must be either send or skip.",
  )
    .default("send")
    .meta({
      description:
        "varsel extension: send (Altinn's behaviour) or skip when the condition cannot be evaluated.",
    }),
  recipients: z
    .array(legacyRecipientSchema, whenMissing(oneOrMoreRecipients))
    .min(1, oneOrMoreRecipients)
    .max(maxLegacyRecipients, {
      error: `The field Recipients must be a string or array type with a maximum length of '${maxLegacyRecipients}'.`,
    }),
  ignoreReservation: z.boolean().optional(),
  // v1 takes the bare resource id (`app_ttd_apps-test`), unlike future/orders.
  resourceId: boundedString(reference("resourceId")).optional(),
  resourceAction: optionalNonEmptyText(reference("resourceAction")),
};

/** Altinn's v1 rule: http(s) and a host name ending in a 2+ letter top-level domain. */
function isValidLegacyConditionEndpoint(text: string): boolean {
  const url = parseHttpUrl(text);
  return url instanceof URL && /^[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/.test(url.hostname);
}

const emailSubjectLimit = { field: "subject", max: maxTextLength.emailSubject };
const emailBodyLimit = { field: "body", max: maxTextLength.emailBody };
const senderNumberField = boundedString({ field: "senderNumber", max: maxTextLength.smsSender }).optional();

const emailTemplateSchema = z
  .object({
    fromAddress: emailAddress("fromAddress", "The sender email address is not valid.").optional(),
    subject: requiredText("The email template subject must not be empty.", emailSubjectLimit),
    body: requiredText("The email template body must not be empty.", emailBodyLimit),
    contentType: caseInsensitiveEnum(
      ["Plain", "Html"],
      "Email content type must be either Plain or HTML.",
    ).default("Plain"),
  })
  .meta({ description: "The email to send." });

const smsTemplateSchema = z
  .object({
    senderNumber: senderNumberField,
    body: smsBodyText("The SMS template body must not be empty."),
  })
  .meta({ description: "The SMS to send." });

const channelsNeedingEmailTemplate = new Set(["Email", "EmailPreferred", "SmsPreferred", "EmailAndSms"]);
const channelsNeedingSmsTemplate = new Set(["Sms", "EmailPreferred", "SmsPreferred", "EmailAndSms"]);
// A Map, not an object literal: the channel may be any text the client sent (even "constructor").
const recipientRuleSetByChannel = new Map<string, RecipientRuleSet>([
  ["Email", "email"],
  ["Sms", "sms"],
  ["EmailPreferred", "preferred"],
  ["SmsPreferred", "preferred"],
  // Altinn checks no recipient rules for EmailAndSms; varsel holds it to the preferred-channel rules.
  ["EmailAndSms", "preferred"],
]);

export const legacyOrderRequestSchema = z
  .object({
    ...legacyOrderBaseFields,
    notificationChannel: caseInsensitiveEnum(
      notificationChannels,
      `The notification channel must be one of ${notificationChannels.join(", ")}.`,
      "A notification channel must be defined.",
    ).meta({ description: "Which channel(s) to use; the Preferred ones fall back to the other channel." }),
    emailTemplate: emailTemplateSchema.optional(),
    smsTemplate: smsTemplateSchema.optional(),
  })
  .superRefine((order, ctx) => {
    checkResourceAction(order, ctx);
    const channel = order.notificationChannel;
    if (channelsNeedingEmailTemplate.has(channel) && order.emailTemplate === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "An email template is required for the selected notification channel.",
        path: ["emailTemplate"],
      });
    }
    if (channelsNeedingSmsTemplate.has(channel) && order.smsTemplate === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "An SMS template is required for the selected the notification channel.",
        path: ["smsTemplate"],
      });
    }
    const ruleSet = recipientRuleSetByChannel.get(channel);
    if (ruleSet) checkRecipientsFor(ruleSet, order.recipients, ctx);
  }, evenWhenOtherFieldsFailed)
  .meta({
    description: "POST orders (legacy): one notification to one or more recipients on the chosen channel(s).",
  });
export type LegacyOrderRequest = z.output<typeof legacyOrderRequestSchema>;

export const legacyEmailOrderRequestSchema = z
  .object({
    ...legacyOrderBaseFields,
    subject: requiredText("The email template subject must not be empty.", emailSubjectLimit),
    body: requiredText("The email template body must not be empty.", emailBodyLimit),
    contentType: caseInsensitiveEnum(
      ["Plain", "Html"],
      "Email content type must be either Plain or HTML.",
    ).default("Plain"),
    fromAddress: emailAddress("fromAddress", "The sender email address is not valid.").optional(),
  })
  .superRefine((order, ctx) => {
    checkResourceAction(order, ctx);
    checkRecipientsFor("email", order.recipients, ctx);
  }, evenWhenOtherFieldsFailed)
  .meta({ description: "POST orders/email (legacy): one email to one or more recipients." });
export type LegacyEmailOrderRequest = z.output<typeof legacyEmailOrderRequestSchema>;

export const legacySmsOrderRequestSchema = z
  .object({
    ...legacyOrderBaseFields,
    body: smsBodyText("The SMS template body must not be empty."),
    senderNumber: senderNumberField,
  })
  .superRefine((order, ctx) => {
    checkResourceAction(order, ctx);
    checkRecipientsFor("sms", order.recipients, ctx);
  }, evenWhenOtherFieldsFailed)
  .meta({ description: "POST orders/sms (legacy): one SMS to one or more recipients." });
export type LegacySmsOrderRequest = z.output<typeof legacySmsOrderRequestSchema>;
