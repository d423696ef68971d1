import { describe, expect, it } from "vitest";
import { futureOrderRequestSchema } from "../../../shared/domain/requests/futureOrder";
import { validate } from "../../../shared/domain/requests/validate";

const now = new Date("2026-11-23T10:00:00.000Z");
const check = (body: unknown, at: Date = now) => validate(futureOrderRequestSchema, body, { now: at });

const emailSettings = { subject: "Ny melding", body: "Du har fått en ny melding." };
const smsSettings = { body: "Du har fått en ny melding." };
const emailRecipient = { recipientEmail: { emailAddress: "ola@eksempel.no", emailSettings } };

/** A valid order to one email address, with `changes` applied at the top level. */
const order = (changes: Record<string, unknown> = {}) => ({
  idempotencyId: "case-4711",
  recipient: emailRecipient,
  ...changes,
});
const orderTo = (recipient: unknown) => order({ recipient });
const person = (fields: Record<string, unknown>) =>
  orderTo({
    recipientPerson: { nationalIdentityNumber: "15076500565", emailSettings, smsSettings, ...fields },
  });
const organization = (fields: Record<string, unknown>) =>
  orderTo({
    recipientOrganization: { orgNumber: "991825827", channelSchema: "Email", emailSettings, ...fields },
  });
const externalIdentity = (fields: Record<string, unknown>) =>
  orderTo({
    recipientExternalIdentity: { externalIdentity: "urn:altinn:username:ola", emailSettings, ...fields },
  });
const withReminder = (reminder: Record<string, unknown>) =>
  order({ reminders: [{ delayDays: 7, recipient: emailRecipient, ...reminder }] });

const emailSettingsWithDefaults = { ...emailSettings, contentType: "Plain", sendingTimePolicy: "Anytime" };
const smsSettingsWithDefaults = { ...smsSettings, sendingTimePolicy: "Daytime" };

describe("POST future/orders: valid requests", () => {
  it("applies the defaults to a minimal email order: send now, Plain, Anytime, no reminders", () => {
    expect(check(order())).toEqual({
      ok: true,
      value: {
        idempotencyId: "case-4711",
        requestedSendTime: "2026-11-23T10:00:00.000Z",
        conditionFailurePolicy: "send",
        recipient: {
          recipientEmail: { emailAddress: "ola@eksempel.no", emailSettings: emailSettingsWithDefaults },
        },
        reminders: [],
      },
    });
  });

  it("normalises an SMS recipient's number to E.164 and defaults the SMS to Daytime", () => {
    const result = check(orderTo({ recipientSms: { phoneNumber: "98765432", smsSettings } }));
    expect(result).toMatchObject({
      ok: true,
      value: {
        recipient: { recipientSms: { phoneNumber: "+4798765432", smsSettings: smsSettingsWithDefaults } },
      },
    });
  });

  it("defaults a person to EmailPreferred, respecting reservation, with fresh contact information", () => {
    const result = check(person({}));
    expect(result).toMatchObject({
      ok: true,
      value: {
        recipient: {
          recipientPerson: {
            nationalIdentityNumber: "15076500565",
            channelSchema: "EmailPreferred",
            ignoreReservation: false,
            useStaleContactInformation: false,
            emailSettings: emailSettingsWithDefaults,
            smsSettings: smsSettingsWithDefaults,
          },
        },
      },
    });
  });

  it("accepts a person by D-nummer", () => {
    expect(check(person({ nationalIdentityNumber: "41019012393" })).ok).toBe(true);
  });

  it("defaults an external identity to the Email channel", () => {
    const result = check(externalIdentity({}));
    expect(result).toMatchObject({
      ok: true,
      value: { recipient: { recipientExternalIdentity: { channelSchema: "Email" } } },
    });
  });

  it("accepts Altinn's documented example and converts the send time to UTC", () => {
    const result = check({
      idempotencyId: "case-4711-v1",
      sendersReference: "case-4711",
      requestedSendTime: "2026-12-01T08:00:00+01:00",
      dialogportenAssociation: { dialogId: "0196-dialog", transmissionId: "0196-transmission" },
      recipient: {
        recipientOrganization: {
          orgNumber: "991825827",
          resourceId: "urn:altinn:resource:my-service",
          channelSchema: "EmailPreferred",
          emailSettings: { subject: "New message for $recipientName$", body: "…", contentType: "Plain" },
          smsSettings: {
            body: "New message for $recipientName$ ($recipientNumber$)",
            sendingTimePolicy: "Daytime",
          },
        },
      },
      reminders: [
        {
          delayDays: 7,
          conditionEndpoint: "https://owner.example/api/needs-reminder/4711",
          recipient: {
            recipientOrganization: {
              orgNumber: "991825827",
              channelSchema: "Sms",
              smsSettings: { body: "Reminder …" },
            },
          },
        },
      ],
    });
    expect(result).toMatchObject({
      ok: true,
      value: {
        requestedSendTime: "2026-12-01T07:00:00.000Z",
        dialogportenAssociation: { dialogId: "0196-dialog", transmissionId: "0196-transmission" },
        reminders: [
          {
            delayDays: 7,
            conditionFailurePolicy: "send",
            recipient: {
              recipientOrganization: {
                channelSchema: "Sms",
                smsSettings: { body: "Reminder …", sendingTimePolicy: "Daytime" },
              },
            },
          },
        ],
      },
    });
  });

  it.each([
    ["contentType", "html", "Html"],
    ["contentType", "HTML", "Html"],
    ["contentType", "plain", "Plain"],
    ["sendingTimePolicy", "anytime", "Anytime"],
    // varsel extension: Altinn rejects Daytime for email.
    ["sendingTimePolicy", "Daytime", "Daytime"],
  ])("reads emailSettings.%s %j as %j", (field, sent, read) => {
    const result = check(
      orderTo({
        recipientEmail: {
          emailAddress: "ola@eksempel.no",
          emailSettings: { ...emailSettings, [field]: sent },
        },
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      value: { recipient: { recipientEmail: { emailSettings: { [field]: read } } } },
    });
  });

  it("reads enum values case-insensitively everywhere (channelSchema, SMS policy, conditionFailurePolicy)", () => {
    const result = check({
      ...person({
        channelSchema: "smspreferred",
        smsSettings: { ...smsSettings, sendingTimePolicy: "ANYTIME" },
      }),
      conditionFailurePolicy: "SKIP",
    });
    expect(result).toMatchObject({
      ok: true,
      value: {
        conditionFailurePolicy: "skip",
        recipient: {
          recipientPerson: { channelSchema: "SmsPreferred", smsSettings: { sendingTimePolicy: "Anytime" } },
        },
      },
    });
  });

  it("ignores unknown properties and treats null properties as absent", () => {
    const result = check({
      ...order({ sendersReference: null, reminders: null, unknown: "x" }),
      requestedSendTime: null,
    });
    expect(result).toEqual({
      ok: true,
      value: {
        idempotencyId: "case-4711",
        requestedSendTime: "2026-11-23T10:00:00.000Z",
        conditionFailurePolicy: "send",
        recipient: {
          recipientEmail: { emailAddress: "ola@eksempel.no", emailSettings: emailSettingsWithDefaults },
        },
        reminders: [],
      },
    });
  });

  it("keeps milliseconds and drops finer fractions when normalising a send time", () => {
    const result = check(order({ requestedSendTime: "2026-12-01T08:00:00.1234567+01:00" }));
    expect(result).toMatchObject({ ok: true, value: { requestedSendTime: "2026-12-01T07:00:00.123Z" } });
  });

  it("accepts a send time equal to the request time", () => {
    expect(check(order({ requestedSendTime: "2026-11-23T11:00:00+01:00" })).ok).toBe(true);
  });

  it("accepts a reminder at an explicit time with a condition failure policy", () => {
    const result = check(
      withReminder({
        delayDays: undefined,
        requestedSendTime: "2026-11-30T10:00:00Z",
        conditionFailurePolicy: "skip",
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      value: {
        reminders: [{ requestedSendTime: "2026-11-30T10:00:00.000Z", conditionFailurePolicy: "skip" }],
      },
    });
  });
});

describe("POST future/orders: send times are judged against the request time", () => {
  const body = order({ requestedSendTime: "2026-11-23T12:00:00Z" });

  it("accepts a time after the request time", () => {
    expect(check(body, new Date("2026-11-23T11:59:59.999Z")).ok).toBe(true);
  });

  it("rejects the same time once the request time has passed it", () => {
    expect(check(body, new Date("2026-11-23T12:00:00.001Z"))).toEqual({
      ok: false,
      errors: { requestedSendTime: ["RequestedSendTime must be greater than or equal to now."] },
    });
  });

  it("defaults an omitted send time to the request time, not the wall clock", () => {
    const requestTime = new Date("2030-01-01T00:00:00.000Z");
    expect(check(order(), requestTime)).toMatchObject({
      ok: true,
      value: { requestedSendTime: requestTime.toISOString() },
    });
  });

  it("judges reminder times against the request time", () => {
    const reminder = withReminder({ delayDays: undefined, requestedSendTime: "2026-11-24T00:00:00Z" });
    expect(check(reminder, new Date("2026-11-23T00:00:00Z")).ok).toBe(true);
    expect(check(reminder, new Date("2026-11-25T00:00:00Z"))).toEqual({
      ok: false,
      errors: {
        "reminders[0].requestedSendTime": [
          "RequestedSendTime must be greater than or equal to the current UTC time.",
        ],
      },
    });
  });
});

const notADateTime = "The value must be a date and time in ISO 8601 format, e.g. 2026-09-01T08:00:00Z.";

describe("POST future/orders: what a service owner is told", () => {
  it.each<[string, unknown, Record<string, string[]>]>([
    // The order
    ["a body that is not an object", "hello", { "": ["The request body must be a JSON object."] }],
    [
      "a missing idempotencyId",
      { recipient: emailRecipient },
      { idempotencyId: ["IdempotencyId cannot be null or empty."] },
    ],
    [
      "a null idempotencyId",
      order({ idempotencyId: null }),
      { idempotencyId: ["IdempotencyId cannot be null or empty."] },
    ],
    [
      "a blank idempotencyId",
      order({ idempotencyId: "  " }),
      { idempotencyId: ["IdempotencyId cannot be null or empty."] },
    ],
    [
      "a numeric idempotencyId",
      order({ idempotencyId: 4711 }),
      { idempotencyId: ["The field must be a string."] },
    ],
    [
      "a send time without time zone",
      order({ requestedSendTime: "2026-12-01T08:00:00" }),
      { requestedSendTime: ["The requested send time value must have specified a time zone."] },
    ],
    [
      "a date without time or zone",
      order({ requestedSendTime: "2026-12-01" }),
      { requestedSendTime: ["The requested send time value must have specified a time zone."] },
    ],
    [
      "a send time one second ago",
      order({ requestedSendTime: "2026-11-23T09:59:59Z" }),
      { requestedSendTime: ["RequestedSendTime must be greater than or equal to now."] },
    ],
    [
      "a send time that is not a date",
      order({ requestedSendTime: "tomorrow" }),
      { requestedSendTime: [notADateTime] },
    ],
    [
      "a send time on 30 February",
      order({ requestedSendTime: "2027-02-30T10:00:00Z" }),
      { requestedSendTime: [notADateTime] },
    ],
    [
      "a relative condition endpoint",
      order({ conditionEndpoint: "/api/condition" }),
      { conditionEndpoint: ["ConditionEndpoint must be a valid absolute URI or null."] },
    ],
    [
      "an ftp condition endpoint",
      order({ conditionEndpoint: "ftp://owner.example/condition" }),
      { conditionEndpoint: ["ConditionEndpoint must use http or https scheme."] },
    ],
    [
      "an unknown condition failure policy",
      order({ conditionFailurePolicy: "retry" }),
      { conditionFailurePolicy: ["ConditionFailurePolicy must be either send or skip."] },
    ],
    [
      "reminders that are not a list",
      order({ reminders: {} }),
      { reminders: ["The field must be an array."] },
    ],
    [
      "a dialogId that is not text",
      order({ dialogportenAssociation: { dialogId: 1 } }),
      { "dialogportenAssociation.dialogId": ["The field must be a string."] },
    ],

    // The recipient specification
    [
      "no recipient",
      order({ recipient: undefined }),
      { recipient: ["Recipient specification cannot be null."] },
    ],
    ["an empty recipient", orderTo({}), { recipient: ["Must have exactly one recipient."] }],
    [
      "two recipient kinds",
      orderTo({ ...emailRecipient, recipientSms: { phoneNumber: "+4798765432", smsSettings } }),
      { recipient: ["Must have exactly one recipient."] },
    ],
    [
      "a recipient that is a list",
      orderTo([emailRecipient]),
      { recipient: ["The field must be an object."] },
    ],

    // recipientEmail and email settings
    [
      "a list of email addresses",
      orderTo({ recipientEmail: { emailAddress: "a@eksempel.no;b@eksempel.no", emailSettings } }),
      { "recipient.recipientEmail.emailAddress": ["Invalid email address format."] },
    ],
    [
      "a missing email address",
      orderTo({ recipientEmail: { emailSettings } }),
      { "recipient.recipientEmail.emailAddress": ["Invalid email address format."] },
    ],
    [
      "missing email settings",
      orderTo({ recipientEmail: { emailAddress: "ola@eksempel.no" } }),
      { "recipient.recipientEmail.emailSettings": ["Recipient email settings cannot be null."] },
    ],
    [
      "an empty email subject",
      orderTo({
        recipientEmail: { emailAddress: "ola@eksempel.no", emailSettings: { ...emailSettings, subject: "" } },
      }),
      { "recipient.recipientEmail.emailSettings.subject": ["The email subject must not be empty."] },
    ],
    [
      "a missing email body",
      orderTo({ recipientEmail: { emailAddress: "ola@eksempel.no", emailSettings: { subject: "Hei" } } }),
      { "recipient.recipientEmail.emailSettings.body": ["The email body must not be empty."] },
    ],
    [
      "an invalid sender address",
      orderTo({
        recipientEmail: {
          emailAddress: "ola@eksempel.no",
          emailSettings: { ...emailSettings, senderEmailAddress: "noreply" },
        },
      }),
      {
        "recipient.recipientEmail.emailSettings.senderEmailAddress": [
          "The sender email address is not valid.",
        ],
      },
    ],
    [
      "an unknown content type",
      orderTo({
        recipientEmail: {
          emailAddress: "ola@eksempel.no",
          emailSettings: { ...emailSettings, contentType: "Markdown" },
        },
      }),
      {
        "recipient.recipientEmail.emailSettings.contentType": [
          "Email content type must be either Plain or HTML.",
        ],
      },
    ],
    [
      "an unknown email sending time policy",
      orderTo({
        recipientEmail: {
          emailAddress: "ola@eksempel.no",
          emailSettings: { ...emailSettings, sendingTimePolicy: "Night" },
        },
      }),
      {
        "recipient.recipientEmail.emailSettings.sendingTimePolicy": [
          "Email only supports send time daytime and anytime",
        ],
      },
    ],

    // recipientSms and SMS settings
    [
      "an empty phone number",
      orderTo({ recipientSms: { phoneNumber: "", smsSettings } }),
      { "recipient.recipientSms.phoneNumber": ["Recipient phone number cannot be null or empty."] },
    ],
    [
      "a missing phone number",
      orderTo({ recipientSms: { smsSettings } }),
      { "recipient.recipientSms.phoneNumber": ["Recipient phone number cannot be null or empty."] },
    ],
    [
      "a landline",
      orderTo({ recipientSms: { phoneNumber: "+4722123456", smsSettings } }),
      { "recipient.recipientSms.phoneNumber": ["Recipient phone number is not a valid mobile number."] },
    ],
    [
      "missing SMS settings",
      orderTo({ recipientSms: { phoneNumber: "+4798765432" } }),
      { "recipient.recipientSms.smsSettings": ["Recipient SMS settings cannot be null."] },
    ],
    [
      "a blank SMS body",
      orderTo({ recipientSms: { phoneNumber: "+4798765432", smsSettings: { body: " " } } }),
      { "recipient.recipientSms.smsSettings.body": ["SMS body cannot be null or empty."] },
    ],
    [
      "an unknown SMS sending time policy",
      orderTo({
        recipientSms: {
          phoneNumber: "+4798765432",
          smsSettings: { ...smsSettings, sendingTimePolicy: "Night" },
        },
      }),
      {
        "recipient.recipientSms.smsSettings.sendingTimePolicy": [
          "SMS only supports send time daytime and anytime",
        ],
      },
    ],

    // recipientPerson
    [
      "a 10-digit national identity number",
      person({ nationalIdentityNumber: "1507650056" }),
      {
        "recipient.recipientPerson.nationalIdentityNumber": [
          "National identity number must be 11 digits long.",
        ],
      },
    ],
    [
      "a national identity number with a wrong check digit",
      person({ nationalIdentityNumber: "15076500564" }),
      {
        "recipient.recipientPerson.nationalIdentityNumber": [
          "National identity number is not valid (check digits).",
        ],
      },
    ],
    [
      "a missing national identity number",
      person({ nationalIdentityNumber: undefined }),
      {
        "recipient.recipientPerson.nationalIdentityNumber": ["The NationalIdentityNumber field is required."],
      },
    ],
    [
      "an unknown channel schema",
      person({ channelSchema: "Fax" }),
      { "recipient.recipientPerson.channelSchema": ["Invalid channel scheme value."] },
    ],
    [
      "a non-boolean ignoreReservation",
      person({ ignoreReservation: "yes" }),
      { "recipient.recipientPerson.ignoreReservation": ["The field must be a boolean."] },
    ],
    [
      "the default EmailPreferred without settings",
      person({ emailSettings: undefined, smsSettings: undefined }),
      {
        "recipient.recipientPerson.emailSettings": [
          "EmailSettings must be set when ChannelSchema is SmsPreferred or EmailPreferred",
        ],
        "recipient.recipientPerson.smsSettings": [
          "SmsSettings must be set when ChannelSchema is SmsPreferred or EmailPreferred",
        ],
      },
    ],
    [
      "SmsPreferred without email settings",
      person({ channelSchema: "SmsPreferred", emailSettings: undefined }),
      {
        "recipient.recipientPerson.emailSettings": [
          "EmailSettings must be set when ChannelSchema is SmsPreferred or EmailPreferred",
        ],
      },
    ],
    [
      "Email without email settings",
      person({ channelSchema: "Email", emailSettings: undefined }),
      {
        "recipient.recipientPerson.emailSettings": ["EmailSettings must be set when ChannelSchema is Email"],
      },
    ],
    [
      "Sms without SMS settings",
      person({ channelSchema: "Sms", smsSettings: undefined }),
      { "recipient.recipientPerson.smsSettings": ["SmsSettings must be set when ChannelSchema is Sms"] },
    ],
    [
      "EmailAndSms without SMS settings",
      person({ channelSchema: "EmailAndSms", smsSettings: undefined }),
      {
        "recipient.recipientPerson.smsSettings": [
          "SmsSettings must be set when ChannelSchema is EmailAndSms",
        ],
      },
    ],
    [
      "EmailAndSms without email settings",
      person({ channelSchema: "EmailAndSms", emailSettings: undefined }),
      {
        "recipient.recipientPerson.emailSettings": [
          "EmailSettings must be set when ChannelSchema is EmailAndSms",
        ],
      },
    ],

    // recipientOrganization
    [
      "an empty organization number",
      organization({ orgNumber: "" }),
      { "recipient.recipientOrganization.orgNumber": ["OrgNumber cannot be null or empty."] },
    ],
    [
      "an 8-digit organization number",
      organization({ orgNumber: "99182582" }),
      { "recipient.recipientOrganization.orgNumber": ["Organization number must be 9 digits long."] },
    ],
    [
      "an organization number with a wrong check digit",
      organization({ orgNumber: "991825828" }),
      { "recipient.recipientOrganization.orgNumber": ["Organization number is not valid (check digit)."] },
    ],
    [
      "an organization without channel schema (it has no default)",
      organization({ channelSchema: undefined }),
      { "recipient.recipientOrganization.channelSchema": ["The ChannelSchema field is required."] },
    ],
    [
      "a bare resource id",
      organization({ resourceId: "my-service" }),
      { "recipient.recipientOrganization.resourceId": ["ResourceId must have a valid syntax."] },
    ],
    [
      "a resource id that is only the prefix",
      organization({ resourceId: "urn:altinn:resource:" }),
      { "recipient.recipientOrganization.resourceId": ["ResourceId must have a valid syntax."] },
    ],
    [
      "a resource action without resource id",
      organization({ resourceAction: "read" }),
      {
        "recipient.recipientOrganization.resourceAction": [
          "ResourceAction cannot be specified without a ResourceId.",
        ],
      },
    ],
    [
      "a blank resource action",
      organization({ resourceId: "urn:altinn:resource:my-service", resourceAction: "   " }),
      { "recipient.recipientOrganization.resourceAction": ["ResourceAction cannot be blank or whitespace."] },
    ],

    // recipientExternalIdentity
    [
      "an empty external identity",
      externalIdentity({ externalIdentity: "" }),
      {
        "recipient.recipientExternalIdentity.externalIdentity": ["ExternalIdentity cannot be null or empty."],
      },
    ],
    [
      "an ID-porten email URN with an invalid email",
      externalIdentity({ externalIdentity: "urn:altinn:person:idporten-email:ola" }),
      { "recipient.recipientExternalIdentity.externalIdentity": ["Invalid external identity URN format."] },
    ],
    [
      "an external identity with the default Email channel but no email settings",
      externalIdentity({ emailSettings: undefined }),
      {
        "recipient.recipientExternalIdentity.emailSettings": [
          "EmailSettings must be set when ChannelSchema is Email",
        ],
      },
    ],

    // reminders
    [
      "a reminder with neither delayDays nor requestedSendTime",
      withReminder({ delayDays: undefined }),
      { "reminders[0]": ["Either DelayDays or RequestedSendTime must be defined, but not both."] },
    ],
    [
      "a reminder with both delayDays and requestedSendTime",
      withReminder({ requestedSendTime: "2026-11-30T10:00:00Z" }),
      {
        "reminders[0]": ["Either DelayDays or RequestedSendTime must be defined, but not both."],
        "reminders[0].requestedSendTime": ["RequestedSendTime must be null when DelayDays is set."],
        "reminders[0].delayDays": ["DelayDays must be null when RequestedSendTime is set."],
      },
    ],
    [
      "a reminder after 0 days",
      withReminder({ delayDays: 0 }),
      { "reminders[0].delayDays": ["DelayDays must be greater than or equal to 1 day."] },
    ],
    [
      "a reminder after 1.5 days",
      withReminder({ delayDays: 1.5 }),
      { "reminders[0].delayDays": ["The field must be an integer."] },
    ],
    [
      "a reminder time without time zone",
      withReminder({ delayDays: undefined, requestedSendTime: "2026-11-30T10:00:00" }),
      { "reminders[0].requestedSendTime": ["The RequestedSendTime must have specified a time zone."] },
    ],
    [
      "a reminder time in the past",
      withReminder({ delayDays: undefined, requestedSendTime: "2026-11-23T09:00:00Z" }),
      {
        "reminders[0].requestedSendTime": [
          "RequestedSendTime must be greater than or equal to the current UTC time.",
        ],
      },
    ],
    [
      "a reminder without recipient",
      withReminder({ recipient: undefined }),
      { "reminders[0].recipient": ["Recipient specification cannot be null."] },
    ],
    [
      "a reminder whose recipient has a landline",
      withReminder({ recipient: { recipientSms: { phoneNumber: "22123456", smsSettings } } }),
      {
        "reminders[0].recipient.recipientSms.phoneNumber": [
          "Recipient phone number is not a valid mobile number.",
        ],
      },
    ],
    [
      "a reminder with an invalid condition endpoint",
      withReminder({ conditionEndpoint: "mailto:ola@eksempel.no" }),
      { "reminders[0].conditionEndpoint": ["ConditionEndpoint must use http or https scheme."] },
    ],
    [
      "a reminder that is null",
      order({ reminders: [null] }),
      { "reminders[0]": ["The field must be an object."] },
    ],
  ])("%s", (_, body, errors) => {
    expect(check(body)).toEqual({ ok: false, errors });
  });

  it("reports every problem in one response, each at its own field", () => {
    const result = check({
      idempotencyId: "",
      requestedSendTime: "2026-12-01T08:00:00",
      recipient: { recipientPerson: { nationalIdentityNumber: "123", channelSchema: "Sms" } },
      reminders: [{ delayDays: 3, recipient: {} }],
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        idempotencyId: ["IdempotencyId cannot be null or empty."],
        requestedSendTime: ["The requested send time value must have specified a time zone."],
        "recipient.recipientPerson.nationalIdentityNumber": [
          "National identity number must be 11 digits long.",
        ],
        "recipient.recipientPerson.smsSettings": ["SmsSettings must be set when ChannelSchema is Sms"],
        "reminders[0].recipient": ["Must have exactly one recipient."],
      },
    });
  });
});

describe("POST future/orders: every time is bounded by the scheduling horizon (3653 days after the request)", () => {
  // now = 2026-11-23T10:00Z; 3653 days later (leap days in 2028, 2032 and 2036) is the same date ten years on.
  const horizon = "2036-11-23T10:00:00.000Z";
  const justBeyond = "2036-11-23T10:00:00.001Z";
  const tooLate = {
    main: "RequestedSendTime must be less than or equal to 3653 days (10 years) from now.",
    reminder:
      "RequestedSendTime must be less than or equal to 3653 days (10 years) after the current UTC time.",
    delayDays: "DelayDays must be less than or equal to 3653 days (10 years).",
    delayed: "RequestedSendTime plus DelayDays must be less than or equal to 3653 days (10 years) from now.",
  };
  const delayDaysTooSmall = "DelayDays must be greater than or equal to 1 day.";

  it("accepts a send time at the horizon, in any offset", () => {
    expect(check(order({ requestedSendTime: horizon }))).toMatchObject({
      ok: true,
      value: { requestedSendTime: horizon },
    });
    expect(check(order({ requestedSendTime: "2036-11-23T11:00:00+01:00" })).ok).toBe(true);
  });

  it("rejects a send time one millisecond beyond the horizon", () => {
    expect(check(order({ requestedSendTime: justBeyond }))).toEqual({
      ok: false,
      errors: { requestedSendTime: [tooLate.main] },
    });
  });

  it("moves the horizon with the request time", () => {
    expect(check(order({ requestedSendTime: justBeyond }), new Date("2026-11-23T10:00:00.001Z")).ok).toBe(
      true,
    );
  });

  it("rejects the last time a four-digit year can write, which is in year 10000 in UTC", () => {
    expect(check(order({ requestedSendTime: "9999-12-31T23:59:59.999-14:00" }))).toEqual({
      ok: false,
      errors: { requestedSendTime: [tooLate.main] },
    });
  });

  it("accepts a reminder at the horizon and rejects one a millisecond beyond, at its own path", () => {
    expect(check(withReminder({ delayDays: undefined, requestedSendTime: horizon })).ok).toBe(true);
    expect(check(withReminder({ delayDays: undefined, requestedSendTime: justBeyond }))).toEqual({
      ok: false,
      errors: { "reminders[0].requestedSendTime": [tooLate.reminder] },
    });
  });

  it("accepts delayDays that land exactly on the horizon", () => {
    expect(check(withReminder({ delayDays: 3653 })).ok).toBe(true);
    const mainTomorrow = order({
      requestedSendTime: "2026-11-24T10:00:00Z",
      reminders: [{ delayDays: 3652, recipient: emailRecipient }],
    });
    expect(check(mainTomorrow).ok).toBe(true);
  });

  it("rejects delayDays beyond the horizon on their own", () => {
    expect(check(withReminder({ delayDays: 3654 }))).toEqual({
      ok: false,
      errors: { "reminders[0].delayDays": [tooLate.delayDays] },
    });
  });

  it("rejects delayDays within bounds whose sum with a later main send time passes the horizon", () => {
    const body = order({
      requestedSendTime: "2026-11-24T10:00:00Z",
      reminders: [
        { delayDays: 3652, recipient: emailRecipient },
        { delayDays: 3653, recipient: emailRecipient },
      ],
    });
    expect(check(body)).toEqual({ ok: false, errors: { "reminders[1].delayDays": [tooLate.delayed] } });
    const atHorizon = order({
      requestedSendTime: horizon,
      reminders: [{ delayDays: 1, recipient: emailRecipient }],
    });
    expect(check(atHorizon)).toEqual({ ok: false, errors: { "reminders[0].delayDays": [tooLate.delayed] } });
  });

  it("rejects 9999-12-31 plus one day (stored as +010000-01-01 before) at both fields, without throwing", () => {
    const body = order({
      requestedSendTime: "9999-12-31T00:00:00Z",
      reminders: [{ delayDays: 1, recipient: emailRecipient }],
    });
    expect(check(body)).toEqual({
      ok: false,
      errors: { requestedSendTime: [tooLate.main], "reminders[0].delayDays": [tooLate.delayed] },
    });
  });

  it.each([1e8, 2 ** 31, 2 ** 53, 1e300, Number.MAX_VALUE, Infinity])(
    "rejects delayDays %s with the horizon message alone (no RangeError, no safe-integer message)",
    (delayDays) => {
      expect(check(withReminder({ delayDays }))).toEqual({
        ok: false,
        errors: { "reminders[0].delayDays": [tooLate.delayDays] },
      });
    },
  );

  it.each([-1, -1e300, -Infinity])("rejects delayDays %s as too small", (delayDays) => {
    expect(check(withReminder({ delayDays }))).toEqual({
      ok: false,
      errors: { "reminders[0].delayDays": [delayDaysTooSmall] },
    });
  });

  it("rejects delayDays written as 1e400 in the JSON (parsed to Infinity) with the horizon message", () => {
    const json = JSON.stringify(withReminder({ delayDays: 7 })).replace('"delayDays":7', '"delayDays":1e400');
    expect(check(JSON.parse(json))).toEqual({
      ok: false,
      errors: { "reminders[0].delayDays": [tooLate.delayDays] },
    });
  });

  it("still reports a huge delayDays when the main send time is also wrong, each at its field", () => {
    const body = order({
      requestedSendTime: "2026-12-01T08:00:00",
      reminders: [{ delayDays: 1e300, recipient: emailRecipient }],
    });
    expect(check(body)).toEqual({
      ok: false,
      errors: {
        requestedSendTime: ["The requested send time value must have specified a time zone."],
        "reminders[0].delayDays": [tooLate.delayDays],
      },
    });
  });
});
