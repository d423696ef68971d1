import { describe, expect, it } from "vitest";
import {
  instantEmailOrderRequestSchema,
  instantSmsOrderRequestSchema,
} from "../../../shared/domain/requests/instantOrder";
import { validate } from "../../../shared/domain/requests/validate";

const now = new Date("2026-11-23T10:00:00.000Z");

const smsRecipient = (fields: Record<string, unknown> = {}) => ({
  phoneNumber: "+4798765432",
  timeToLiveInSeconds: 3600,
  smsSettings: { sender: "Etaten", body: "Koden din er 123456" },
  ...fields,
});
const smsOrder = (changes: Record<string, unknown> = {}) => ({
  idempotencyId: "otp-1",
  recipientSms: smsRecipient(),
  ...changes,
});
const checkSms = (body: unknown) => validate(instantSmsOrderRequestSchema, body, { now });

const emailRecipient = (fields: Record<string, unknown> = {}) => ({
  emailAddress: "ola@eksempel.no",
  emailSettings: { subject: "Engangskode", body: "Koden din er 123456" },
  ...fields,
});
const emailOrder = (changes: Record<string, unknown> = {}) => ({
  idempotencyId: "otp-1",
  recipientEmail: emailRecipient(),
  ...changes,
});
const checkEmail = (body: unknown) => validate(instantEmailOrderRequestSchema, body, { now });

const timeToLive = "Time-to-live must be between 60 and 172800 seconds (48 hours).";

describe("POST future/orders/instant/sms", () => {
  it("accepts an instant SMS and normalises the number", () => {
    expect(checkSms(smsOrder({ recipientSms: smsRecipient({ phoneNumber: "0047 987 65 432" }) }))).toEqual({
      ok: true,
      value: {
        idempotencyId: "otp-1",
        recipientSms: {
          phoneNumber: "+4798765432",
          timeToLiveInSeconds: 3600,
          smsSettings: { sender: "Etaten", body: "Koden din er 123456" },
        },
      },
    });
  });

  it.each([60, 172_800])("accepts a time-to-live of %i seconds (the bounds)", (seconds) => {
    expect(checkSms(smsOrder({ recipientSms: smsRecipient({ timeToLiveInSeconds: seconds }) })).ok).toBe(
      true,
    );
  });

  it.each<[string, unknown, Record<string, string[]>]>([
    [
      "a missing idempotencyId",
      smsOrder({ idempotencyId: undefined }),
      { idempotencyId: ["IdempotencyId cannot be null or empty."] },
    ],
    [
      "no recipientSms",
      smsOrder({ recipientSms: undefined }),
      { recipientSms: ["SMS details cannot be null."] },
    ],
    [
      "a time-to-live of 59 seconds",
      smsOrder({ recipientSms: smsRecipient({ timeToLiveInSeconds: 59 }) }),
      { "recipientSms.timeToLiveInSeconds": [timeToLive] },
    ],
    [
      "a time-to-live of 172801 seconds",
      smsOrder({ recipientSms: smsRecipient({ timeToLiveInSeconds: 172_801 }) }),
      { "recipientSms.timeToLiveInSeconds": [timeToLive] },
    ],
    [
      "a missing time-to-live",
      smsOrder({ recipientSms: smsRecipient({ timeToLiveInSeconds: undefined }) }),
      { "recipientSms.timeToLiveInSeconds": ["The TimeToLiveInSeconds field is required."] },
    ],
    [
      "a time-to-live as text",
      smsOrder({ recipientSms: smsRecipient({ timeToLiveInSeconds: "3600" }) }),
      { "recipientSms.timeToLiveInSeconds": ["The field must be a number."] },
    ],
    [
      "a fractional time-to-live",
      smsOrder({ recipientSms: smsRecipient({ timeToLiveInSeconds: 600.5 }) }),
      { "recipientSms.timeToLiveInSeconds": ["The field must be an integer."] },
    ],
    [
      "a landline",
      smsOrder({ recipientSms: smsRecipient({ phoneNumber: "+4722123456" }) }),
      { "recipientSms.phoneNumber": ["Recipient phone number is not a valid mobile number."] },
    ],
    [
      "an empty phone number",
      smsOrder({ recipientSms: smsRecipient({ phoneNumber: "" }) }),
      { "recipientSms.phoneNumber": ["Recipient phone number cannot be null or empty."] },
    ],
    [
      "no SMS settings",
      smsOrder({ recipientSms: smsRecipient({ smsSettings: undefined }) }),
      { "recipientSms.smsSettings": ["SMS details cannot be null."] },
    ],
    [
      "an empty SMS body",
      smsOrder({ recipientSms: smsRecipient({ smsSettings: { body: "" } }) }),
      { "recipientSms.smsSettings.body": ["SMS body cannot be null or empty."] },
    ],
  ])("%s", (_, body, errors) => {
    expect(checkSms(body)).toEqual({ ok: false, errors });
  });

  // The time-to-live is the only time an instant order carries (it is sent at the request time): a huge
  // value is told the range alone, never zod's safe-integer limit or "not a number" for Infinity.
  it.each([1e8, 2 ** 53, 1e300, Infinity, -1e300, -Infinity])(
    "rejects a time-to-live of %s with the range message alone",
    (seconds) => {
      expect(checkSms(smsOrder({ recipientSms: smsRecipient({ timeToLiveInSeconds: seconds }) }))).toEqual({
        ok: false,
        errors: { "recipientSms.timeToLiveInSeconds": [timeToLive] },
      });
    },
  );

  it("rejects a time-to-live written as 1e400 in the JSON (parsed to Infinity) with the range message", () => {
    const json = JSON.stringify(smsOrder()).replace(
      '"timeToLiveInSeconds":3600',
      '"timeToLiveInSeconds":1e400',
    );
    expect(checkSms(JSON.parse(json))).toEqual({
      ok: false,
      errors: { "recipientSms.timeToLiveInSeconds": [timeToLive] },
    });
  });
});

describe("POST future/orders/instant/email", () => {
  it("accepts an instant email and defaults contentType to Plain", () => {
    expect(checkEmail(emailOrder({ sendersReference: "login-42" }))).toEqual({
      ok: true,
      value: {
        idempotencyId: "otp-1",
        sendersReference: "login-42",
        recipientEmail: {
          emailAddress: "ola@eksempel.no",
          emailSettings: { subject: "Engangskode", body: "Koden din er 123456", contentType: "Plain" },
        },
      },
    });
  });

  it.each<[string, unknown, Record<string, string[]>]>([
    [
      "a blank idempotencyId",
      emailOrder({ idempotencyId: " " }),
      { idempotencyId: ["IdempotencyId cannot be null or empty."] },
    ],
    [
      "no recipientEmail",
      emailOrder({ recipientEmail: undefined }),
      { recipientEmail: ["Email details cannot be null."] },
    ],
    [
      "an invalid email address",
      emailOrder({ recipientEmail: emailRecipient({ emailAddress: "ola@@eksempel.no" }) }),
      { "recipientEmail.emailAddress": ["Invalid email address format."] },
    ],
    [
      "no email settings",
      emailOrder({ recipientEmail: emailRecipient({ emailSettings: undefined }) }),
      { "recipientEmail.emailSettings": ["Email settings cannot be null."] },
    ],
    [
      "an empty subject",
      emailOrder({ recipientEmail: emailRecipient({ emailSettings: { subject: "", body: "Hei" } }) }),
      { "recipientEmail.emailSettings.subject": ["The email subject cannot be empty."] },
    ],
    [
      "a missing body",
      emailOrder({ recipientEmail: emailRecipient({ emailSettings: { subject: "Hei" } }) }),
      { "recipientEmail.emailSettings.body": ["The email body cannot be empty."] },
    ],
    [
      "an unknown content type",
      emailOrder({
        recipientEmail: emailRecipient({
          emailSettings: { subject: "Hei", body: "Hei", contentType: "Text" },
        }),
      }),
      { "recipientEmail.emailSettings.contentType": ["Email content type must be either Plain or HTML."] },
    ],
  ])("%s", (_, body, errors) => {
    expect(checkEmail(body)).toEqual({ ok: false, errors });
  });
});
