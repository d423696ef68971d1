import { describe, expect, it } from "vitest";
import {
  legacyEmailOrderRequestSchema,
  legacyOrderRequestSchema,
  legacySmsOrderRequestSchema,
} from "../../../shared/domain/requests/legacyOrder";
import { validate } from "../../../shared/domain/requests/validate";

const now = new Date("2026-11-23T10:00:00.000Z");
const emailTemplate = { subject: "Ny melding", body: "Du har fått en ny melding." };
const smsTemplate = { body: "Du har fått en ny melding." };

/** A valid `POST orders` body (Email channel), with `changes` applied at the top level. */
const order = (changes: Record<string, unknown> = {}) => ({
  notificationChannel: "Email",
  emailTemplate,
  recipients: [{ emailAddress: "ola@eksempel.no" }],
  ...changes,
});
const checkOrder = (body: unknown, at: Date = now) => validate(legacyOrderRequestSchema, body, { now: at });

const emailOrder = (changes: Record<string, unknown> = {}) => ({
  ...emailTemplate,
  recipients: [{ emailAddress: "ola@eksempel.no" }],
  ...changes,
});
const checkEmailOrder = (body: unknown) => validate(legacyEmailOrderRequestSchema, body, { now });

const smsOrder = (changes: Record<string, unknown> = {}) => ({
  body: "Du har fått en ny melding.",
  recipients: [{ mobileNumber: "+4798765432" }],
  ...changes,
});
const checkSmsOrder = (body: unknown) => validate(legacySmsOrderRequestSchema, body, { now });

const mustProvide = {
  email:
    "Either a valid email address, organization number, or national identity number must be provided for each recipient.",
  sms: "Either a valid mobile number starting with country code, organization number, or national identity number must be provided for each recipient.",
  preferred:
    "Either a valid email address, mobile number starting with country code, organization number, or national identity number must be provided for each recipient.",
};

describe("POST orders: valid requests", () => {
  it("applies the defaults: send now, Plain, send on condition failure", () => {
    expect(checkOrder(order())).toEqual({
      ok: true,
      value: {
        notificationChannel: "Email",
        requestedSendTime: "2026-11-23T10:00:00.000Z",
        conditionFailurePolicy: "send",
        emailTemplate: { ...emailTemplate, contentType: "Plain" },
        recipients: [{ emailAddress: "ola@eksempel.no" }],
      },
    });
  });

  it("reads the channel case-insensitively and normalises mobile numbers to E.164", () => {
    const result = checkOrder({
      notificationChannel: "smspreferred",
      emailTemplate,
      smsTemplate,
      recipients: [
        { mobileNumber: "004798765432" },
        { mobileNumber: "98765432", emailAddress: "ola@eksempel.no" },
      ],
    });
    expect(result).toMatchObject({
      ok: true,
      value: {
        notificationChannel: "SmsPreferred",
        recipients: [
          { mobileNumber: "+4798765432" },
          { mobileNumber: "+4798765432", emailAddress: "ola@eksempel.no" },
        ],
      },
    });
  });

  it("treats empty strings in a recipient as absent, as Altinn does", () => {
    const result = checkOrder(
      order({ recipients: [{ emailAddress: "ola@eksempel.no", nationalIdentityNumber: "" }] }),
    );
    expect(result).toMatchObject({ ok: true, value: { recipients: [{ emailAddress: "ola@eksempel.no" }] } });
  });

  it("accepts recipients by organization number and by national identity number", () => {
    const result = checkOrder(
      order({ recipients: [{ organizationNumber: "991825827" }, { nationalIdentityNumber: "15076500565" }] }),
    );
    expect(result.ok).toBe(true);
  });

  it("accepts a bare resource id with a resource action (v1 does not require the URN form)", () => {
    const result = checkOrder(order({ resourceId: "app_ttd_apps-test", resourceAction: "read" }));
    expect(result).toMatchObject({
      ok: true,
      value: { resourceId: "app_ttd_apps-test", resourceAction: "read" },
    });
  });

  it("tolerates a send time up to five minutes before the request time", () => {
    const result = checkOrder(order({ requestedSendTime: "2026-11-23T10:55:00+01:00" }));
    expect(result).toMatchObject({ ok: true, value: { requestedSendTime: "2026-11-23T09:55:00.000Z" } });
  });
});

describe("POST orders: what a service owner is told", () => {
  it.each<[string, unknown, Record<string, string[]>]>([
    [
      "no channel",
      order({ notificationChannel: undefined }),
      { notificationChannel: ["A notification channel must be defined."] },
    ],
    [
      "an unknown channel",
      order({ notificationChannel: "Fax" }),
      {
        notificationChannel: [
          "The notification channel must be one of Email, Sms, EmailPreferred, SmsPreferred, EmailAndSms.",
        ],
      },
    ],
    [
      "a channel named like an Object property",
      order({ notificationChannel: "constructor" }),
      {
        notificationChannel: [
          "The notification channel must be one of Email, Sms, EmailPreferred, SmsPreferred, EmailAndSms.",
        ],
      },
    ],
    [
      "a send time without time zone",
      order({ requestedSendTime: "2026-12-01T08:00:00" }),
      { requestedSendTime: ["The requested send time value must have specified a time zone."] },
    ],
    [
      "a send time more than five minutes ago",
      order({ requestedSendTime: "2026-11-23T09:54:59Z" }),
      { requestedSendTime: ["Send time must be in the future. Leave blank to send immediately."] },
    ],
    [
      "a condition endpoint on localhost",
      order({ conditionEndpoint: "http://localhost:8080/condition" }),
      { conditionEndpoint: ["The condition endpoint must be a valid URL."] },
    ],
    [
      "a condition endpoint that is not http",
      order({ conditionEndpoint: "ftp://owner.example/condition" }),
      { conditionEndpoint: ["The condition endpoint must be a valid URL."] },
    ],
    [
      "a resource action without resource id",
      order({ resourceAction: "read" }),
      { resourceAction: ["ResourceAction cannot be specified without a ResourceId."] },
    ],
    [
      "a blank resource action",
      order({ resourceId: "app_ttd_apps-test", resourceAction: " " }),
      { resourceAction: ["ResourceAction cannot be blank or whitespace."] },
    ],
    [
      "no recipients",
      order({ recipients: undefined }),
      { recipients: ["One or more recipient is required."] },
    ],
    [
      "an empty recipient list",
      order({ recipients: [] }),
      { recipients: ["One or more recipient is required."] },
    ],
    [
      "a recipient that is not an object",
      order({ recipients: ["ola@eksempel.no"] }),
      { "recipients[0]": ["The field must be an object."] },
    ],
    [
      "an Email order to a recipient with only a mobile number",
      order({ recipients: [{ emailAddress: "ola@eksempel.no" }, { mobileNumber: "+4798765432" }] }),
      { "recipients[1]": [mustProvide.email] },
    ],
    [
      "an Sms order to a recipient with only an email address",
      order({
        notificationChannel: "Sms",
        emailTemplate: undefined,
        smsTemplate,
        recipients: [{ emailAddress: "ola@eksempel.no" }],
      }),
      { "recipients[0]": [mustProvide.sms] },
    ],
    [
      "an EmailPreferred order to an empty recipient",
      order({ notificationChannel: "EmailPreferred", smsTemplate, recipients: [{ emailAddress: "" }] }),
      { "recipients[0]": [mustProvide.preferred] },
    ],
    [
      "an invalid email address",
      order({ recipients: [{ emailAddress: "ola@eksempel" }] }),
      { "recipients[0].emailAddress": ["Invalid email address format."] },
    ],
    [
      "a landline",
      order({
        notificationChannel: "Sms",
        emailTemplate: undefined,
        smsTemplate,
        recipients: [{ mobileNumber: "+4722123456" }],
      }),
      {
        "recipients[0].mobileNumber": [
          "Mobile number can contain only '+' and numeric characters, and it must adhere to the E.164 standard.",
        ],
      },
    ],
    [
      "a 12-digit national identity number",
      order({ recipients: [{ nationalIdentityNumber: "150765005650" }] }),
      { "recipients[0].nationalIdentityNumber": ["National identity number must be 11 digits long."] },
    ],
    [
      "a national identity number with a wrong check digit",
      order({ recipients: [{ nationalIdentityNumber: "15076500575" }] }),
      { "recipients[0].nationalIdentityNumber": ["National identity number is not valid (check digits)."] },
    ],
    [
      "a 10-digit organization number",
      order({ recipients: [{ organizationNumber: "9918258270" }] }),
      { "recipients[0].organizationNumber": ["Organization number must be 9 digits long."] },
    ],
    [
      "an organization number with a wrong check digit",
      order({ recipients: [{ organizationNumber: "991825828" }] }),
      { "recipients[0].organizationNumber": ["Organization number is not valid (check digit)."] },
    ],
    [
      "a national identity number combined with an email address",
      order({ recipients: [{ nationalIdentityNumber: "15076500565", emailAddress: "ola@eksempel.no" }] }),
      {
        "recipients[0]": [
          "National identity number cannot be combined with email address, mobile number, or organization number.",
        ],
      },
    ],
    [
      "an organization number combined with a national identity number",
      order({ recipients: [{ organizationNumber: "991825827", nationalIdentityNumber: "15076500565" }] }),
      {
        "recipients[0]": [
          "National identity number cannot be combined with email address, mobile number, or organization number.",
          "Organization number cannot be combined with email address, mobile number, or national identity number.",
        ],
      },
    ],
    [
      "an Email order without email template",
      order({ emailTemplate: undefined }),
      { emailTemplate: ["An email template is required for the selected notification channel."] },
    ],
    [
      "an EmailPreferred order without SMS template",
      order({ notificationChannel: "EmailPreferred" }),
      { smsTemplate: ["An SMS template is required for the selected the notification channel."] },
    ],
    [
      "an EmailAndSms order without templates",
      order({ notificationChannel: "EmailAndSms", emailTemplate: undefined }),
      {
        emailTemplate: ["An email template is required for the selected notification channel."],
        smsTemplate: ["An SMS template is required for the selected the notification channel."],
      },
    ],
    [
      "an empty email template body",
      order({ emailTemplate: { ...emailTemplate, body: "" } }),
      { "emailTemplate.body": ["The email template body must not be empty."] },
    ],
    [
      "a missing email template subject",
      order({ emailTemplate: { body: "Hei" } }),
      { "emailTemplate.subject": ["The email template subject must not be empty."] },
    ],
    [
      "an unknown content type",
      order({ emailTemplate: { ...emailTemplate, contentType: "Rtf" } }),
      { "emailTemplate.contentType": ["Email content type must be either Plain or HTML."] },
    ],
    [
      "a blank SMS template body",
      order({
        notificationChannel: "Sms",
        emailTemplate: undefined,
        smsTemplate: { body: " " },
        recipients: [{ mobileNumber: "+4798765432" }],
      }),
      { "smsTemplate.body": ["The SMS template body must not be empty."] },
    ],
  ])("%s", (_, body, errors) => {
    expect(checkOrder(body)).toEqual({ ok: false, errors });
  });
});

describe("POST orders/email", () => {
  it("accepts a minimal email order and defaults contentType to Plain", () => {
    expect(checkEmailOrder(emailOrder({ contentType: "HTML" }))).toEqual({
      ok: true,
      value: {
        ...emailTemplate,
        contentType: "Html",
        requestedSendTime: "2026-11-23T10:00:00.000Z",
        conditionFailurePolicy: "send",
        recipients: [{ emailAddress: "ola@eksempel.no" }],
      },
    });
  });

  it.each<[string, unknown, Record<string, string[]>]>([
    [
      "a missing subject",
      emailOrder({ subject: undefined }),
      { subject: ["The email template subject must not be empty."] },
    ],
    ["an empty body", emailOrder({ body: "" }), { body: ["The email template body must not be empty."] }],
    [
      "an invalid from address",
      emailOrder({ fromAddress: "noreply" }),
      { fromAddress: ["The sender email address is not valid."] },
    ],
    [
      "a recipient with only a mobile number",
      emailOrder({ recipients: [{ mobileNumber: "+4798765432" }] }),
      { "recipients[0]": [mustProvide.email] },
    ],
    ["no recipients", emailOrder({ recipients: [] }), { recipients: ["One or more recipient is required."] }],
  ])("%s", (_, body, errors) => {
    expect(checkEmailOrder(body)).toEqual({ ok: false, errors });
  });
});

describe("POST orders/sms", () => {
  it("accepts a minimal SMS order", () => {
    expect(checkSmsOrder(smsOrder({ senderNumber: "Etaten" }))).toEqual({
      ok: true,
      value: {
        body: "Du har fått en ny melding.",
        senderNumber: "Etaten",
        requestedSendTime: "2026-11-23T10:00:00.000Z",
        conditionFailurePolicy: "send",
        recipients: [{ mobileNumber: "+4798765432" }],
      },
    });
  });

  it.each<[string, unknown, Record<string, string[]>]>([
    ["a missing body", smsOrder({ body: undefined }), { body: ["The SMS template body must not be empty."] }],
    [
      "a recipient with only an email address",
      smsOrder({ recipients: [{ emailAddress: "ola@eksempel.no" }] }),
      { "recipients[0]": [mustProvide.sms] },
    ],
    [
      "a number without country code that is not a Norwegian mobile",
      smsOrder({ recipients: [{ mobileNumber: "12345678" }] }),
      {
        "recipients[0].mobileNumber": [
          "Mobile number can contain only '+' and numeric characters, and it must adhere to the E.164 standard.",
        ],
      },
    ],
  ])("%s", (_, body, errors) => {
    expect(checkSmsOrder(body)).toEqual({ ok: false, errors });
  });
});

describe("POST orders, orders/email, orders/sms: the send time is bounded by the scheduling horizon", () => {
  // now = 2026-11-23T10:00Z; the horizon is 3653 days later, the same date ten years on.
  const tooLate = "Send time must be at most 3653 days (10 years) in the future.";
  type Check = (body: unknown) => { ok: boolean };
  type Body = (changes: Record<string, unknown>) => unknown;
  const routes: [string, Check, Body][] = [
    ["POST orders", (body) => checkOrder(body), order],
    ["POST orders/email", checkEmailOrder, emailOrder],
    ["POST orders/sms", checkSmsOrder, smsOrder],
  ];

  describe.each(routes)("%s", (_, checkRoute, body) => {
    it("accepts a send time at the horizon", () => {
      expect(checkRoute(body({ requestedSendTime: "2036-11-23T11:00:00+01:00" }))).toMatchObject({
        ok: true,
        value: { requestedSendTime: "2036-11-23T10:00:00.000Z" },
      });
    });

    it("rejects a send time one millisecond beyond the horizon", () => {
      expect(checkRoute(body({ requestedSendTime: "2036-11-23T10:00:00.001Z" }))).toEqual({
        ok: false,
        errors: { requestedSendTime: [tooLate] },
      });
    });

    it("rejects 9999-12-31T23:59:59-14:00 (year 10000 in UTC) without throwing", () => {
      expect(checkRoute(body({ requestedSendTime: "9999-12-31T23:59:59-14:00" }))).toEqual({
        ok: false,
        errors: { requestedSendTime: [tooLate] },
      });
    });
  });
});
