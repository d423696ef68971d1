import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { futureOrderRequestSchema } from "../../../shared/domain/requests/futureOrder";
import {
  instantEmailOrderRequestSchema,
  instantSmsOrderRequestSchema,
} from "../../../shared/domain/requests/instantOrder";
import {
  legacyEmailOrderRequestSchema,
  legacyOrderRequestSchema,
  legacySmsOrderRequestSchema,
} from "../../../shared/domain/requests/legacyOrder";
import {
  maxLegacyRecipients,
  maxReminders,
  maxReportedErrors,
  maxTextLength,
  tooManyErrorsMessage,
} from "../../../shared/domain/requests/limits";
import { validate } from "../../../shared/domain/requests/validate";
import { capErrors } from "../../../shared/http/problem";

const now = new Date("2026-11-23T10:00:00.000Z");
const emailSettings = { subject: "Ny melding", body: "Du har fått en ny melding." };
const smsSettings = { body: "Du har fått en ny melding." };
const emailRecipient = { recipientEmail: { emailAddress: "ola@eksempel.no", emailSettings } };
const futureOrder = { idempotencyId: "case-4711", recipient: emailRecipient };

/** Sets `value` at `path` in a deep copy of `body`. */
function withValue(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return copy;
}

function errorsOf(schema: z.ZodType, body: unknown) {
  const result = validate(schema, body, { now });
  return result.ok ? "accepted" : result.errors;
}

const tooLong = (name: string, max: number, length: number) =>
  `The length of '${name}' must be ${max} characters or fewer. You entered ${length} characters.`;

const legacyEmail = { subject: "S", body: "B", recipients: [{ emailAddress: "a@example.com" }] };
const legacySms = { body: "B", recipients: [{ mobileNumber: "+4798765432" }] };
const legacyGeneric = {
  notificationChannel: "Email",
  emailTemplate: { subject: "S", body: "B" },
  recipients: [{ emailAddress: "a@example.com" }],
};
const instantSms = {
  idempotencyId: "otp-1",
  recipientSms: { phoneNumber: "+4798765432", timeToLiveInSeconds: 360, smsSettings: { body: "123456" } },
};
const instantEmail = {
  idempotencyId: "otp-2",
  recipientEmail: { emailAddress: "a@example.com", emailSettings: { subject: "S", body: "B" } },
};

/** [schema name, schema, valid body, path of a text field, its display name, its limit]. */
const textFields: Array<[string, z.ZodType, unknown, (string | number)[], string, number]> = [
  ["future", futureOrderRequestSchema, futureOrder, ["idempotencyId"], "Idempotency Id", 256],
  ["future", futureOrderRequestSchema, futureOrder, ["sendersReference"], "Senders Reference", 256],
  ["future", futureOrderRequestSchema, futureOrder, ["conditionEndpoint"], "Condition Endpoint", 2048],
  [
    "future",
    futureOrderRequestSchema,
    { ...futureOrder, dialogportenAssociation: {} },
    ["dialogportenAssociation", "dialogId"],
    "Dialog Id",
    256,
  ],
  [
    "future",
    futureOrderRequestSchema,
    futureOrder,
    ["recipient", "recipientEmail", "emailAddress"],
    "Email Address",
    254,
  ],
  [
    "future",
    futureOrderRequestSchema,
    futureOrder,
    ["recipient", "recipientEmail", "emailSettings", "subject"],
    "Subject",
    maxTextLength.emailSubject,
  ],
  [
    "future",
    futureOrderRequestSchema,
    futureOrder,
    ["recipient", "recipientEmail", "emailSettings", "body"],
    "Body",
    maxTextLength.emailBody,
  ],
  [
    "future",
    futureOrderRequestSchema,
    futureOrder,
    ["recipient", "recipientEmail", "emailSettings", "senderEmailAddress"],
    "Sender Email Address",
    254,
  ],
  [
    "future",
    futureOrderRequestSchema,
    { ...futureOrder, recipient: { recipientSms: { phoneNumber: "+4798765432", smsSettings } } },
    ["recipient", "recipientSms", "smsSettings", "body"],
    "Body",
    maxTextLength.smsBody,
  ],
  [
    "future",
    futureOrderRequestSchema,
    { ...futureOrder, recipient: { recipientSms: { phoneNumber: "+4798765432", smsSettings } } },
    ["recipient", "recipientSms", "phoneNumber"],
    "Phone Number",
    32,
  ],
  [
    "future",
    futureOrderRequestSchema,
    { ...futureOrder, recipient: { recipientSms: { phoneNumber: "+4798765432", smsSettings } } },
    ["recipient", "recipientSms", "smsSettings", "sender"],
    "Sender",
    64,
  ],
  [
    "future",
    futureOrderRequestSchema,
    {
      ...futureOrder,
      recipient: {
        recipientExternalIdentity: { externalIdentity: "urn:altinn:username:ola", emailSettings },
      },
    },
    ["recipient", "recipientExternalIdentity", "externalIdentity"],
    "External Identity",
    320,
  ],
  ["legacy email", legacyEmailOrderRequestSchema, legacyEmail, ["subject"], "Subject", 998],
  [
    "legacy email",
    legacyEmailOrderRequestSchema,
    legacyEmail,
    ["recipients", 0, "emailAddress"],
    "Email Address",
    254,
  ],
  ["legacy email", legacyEmailOrderRequestSchema, legacyEmail, ["resourceId"], "Resource Id", 256],
  ["legacy sms", legacySmsOrderRequestSchema, legacySms, ["body"], "Body", 2144],
  ["legacy sms", legacySmsOrderRequestSchema, legacySms, ["senderNumber"], "Sender Number", 64],
  [
    "legacy sms",
    legacySmsOrderRequestSchema,
    legacySms,
    ["recipients", 0, "mobileNumber"],
    "Mobile Number",
    32,
  ],
  ["legacy", legacyOrderRequestSchema, legacyGeneric, ["emailTemplate", "body"], "Body", 500_000],
  ["legacy", legacyOrderRequestSchema, legacyGeneric, ["sendersReference"], "Senders Reference", 256],
  [
    "instant sms",
    instantSmsOrderRequestSchema,
    instantSms,
    ["recipientSms", "smsSettings", "body"],
    "Body",
    2144,
  ],
  ["instant sms", instantSmsOrderRequestSchema, instantSms, ["idempotencyId"], "Idempotency Id", 256],
  [
    "instant email",
    instantEmailOrderRequestSchema,
    instantEmail,
    ["recipientEmail", "emailSettings", "subject"],
    "Subject",
    998,
  ],
];

describe("text limits", () => {
  it.each(textFields)(
    "%s: %j takes at most its limit, with FluentValidation's message",
    (_, schema, body, path, name, max) => {
      const at = path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
        .join("")
        .replace(/^\./, "");
      const long = withValue(body, path, "x".repeat(max + 1));
      expect(errorsOf(schema, long)).toEqual({ [at]: [tooLong(name, max, max + 1)] });
      // At the limit the length is fine (the value may still fail the field's own rule).
      const atLimit = errorsOf(schema, withValue(body, path, "x".repeat(max)));
      const messages = atLimit === "accepted" ? [] : (atLimit[at] ?? []);
      expect(messages.filter((m) => m.startsWith("The length of"))).toEqual([]);
    },
  );

  it("stops a too long value before its pattern or parser runs", () => {
    const started = Date.now();
    const body = withValue(
      futureOrder,
      ["recipient", "recipientEmail", "emailAddress"],
      `${"a.".repeat(400_000)}@x`,
    );
    expect(errorsOf(futureOrderRequestSchema, body)).toEqual({
      "recipient.recipientEmail.emailAddress": [tooLong("Email Address", 254, 800_002)],
    });
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe("count limits", () => {
  const reminder = { delayDays: 1, recipient: emailRecipient };

  it(`takes ${maxReminders} reminders and refuses more, without validating each`, () => {
    const reminders = (n: number) => ({
      ...futureOrder,
      reminders: Array.from({ length: n }, () => reminder),
    });
    expect(errorsOf(futureOrderRequestSchema, reminders(maxReminders))).toBe("accepted");
    expect(
      errorsOf(futureOrderRequestSchema, { ...reminders(0), reminders: Array(maxReminders + 1).fill({}) }),
    ).toEqual({
      reminders: ["The field Reminders must be a string or array type with a maximum length of '20'."],
    });
  });

  it(`takes ${maxLegacyRecipients} legacy recipients and refuses more`, () => {
    const recipients = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ emailAddress: `a${i}@example.com` }));
    expect(
      errorsOf(legacyEmailOrderRequestSchema, {
        ...legacyEmail,
        recipients: recipients(maxLegacyRecipients),
      }),
    ).toBe("accepted");
    expect(
      errorsOf(legacyEmailOrderRequestSchema, {
        ...legacyEmail,
        recipients: recipients(maxLegacyRecipients + 1),
      }),
    ).toEqual({
      recipients: ["The field Recipients must be a string or array type with a maximum length of '10000'."],
    });
  });
});

describe("capErrors", () => {
  it("keeps 199 messages and ASP.NET's too-many message, as MaxModelValidationErrors = 200", () => {
    const errors = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`recipients[${i}]`, ["a", "b"]]),
    );
    const capped = capErrors(errors);
    const messages = Object.values(capped).flat();
    expect(messages).toHaveLength(maxReportedErrors);
    expect(capped[""]).toEqual([tooManyErrorsMessage]);
    expect(capped["recipients[99]"]).toEqual(["a"]);
    expect(capped["recipients[100]"]).toBeUndefined();
  });

  it("leaves fewer errors as they are", () => {
    expect(capErrors({ a: ["x"], b: ["y", "z"] })).toEqual({ a: ["x"], b: ["y", "z"] });
  });
});
