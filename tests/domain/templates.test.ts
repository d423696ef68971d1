import { describe, expect, it } from "vitest";
import type { OrderDocument } from "../../shared/domain/order";
import { futureOrderRequestSchema } from "../../shared/domain/requests/futureOrder";
import { validate } from "../../shared/domain/requests/validate";
import { defaultSendingWindow } from "../../shared/domain/sendingWindow";
import {
  chooseLanguage,
  templateLanguageOf,
  templateRequestSchema,
  type TemplateDocument,
} from "../../shared/domain/templates";
import { notificationFor } from "../../shared/usecases/steps/notificationDrafts";
import { templateTexts } from "../../shared/usecases/steps/orderDrafts";
import { sampleOrder } from "../support/orders";

const now = new Date("2026-11-23T09:00:00.000Z");
const defaults = { emailSenderAddress: "noreply@varsel.local", smsSender: "Varsel" };

const template: TemplateDocument = {
  id: "7b0b4f0e-4f38-5a51-9a52-2bd1d1a1c0a1",
  pk: "template:991825827",
  docType: "template",
  creator: "991825827",
  name: "payment-due",
  version: 2,
  created: now.toISOString(),
  email: {
    contentType: "Plain",
    nb: { subject: "Betaling\nforfaller", body: "Hei $recipientName$, betal innen fredag." },
    nn: { subject: "Betaling forfell", body: "Hei $recipientName$, betal innan fredag." },
    en: { subject: "Payment due", body: "Hello $recipientName$, please pay by Friday." },
  },
  sms: { nb: { body: "Betal innen fredag." }, en: { body: "Please pay by Friday." } },
};

function orderFrom(language?: "nb" | "nn" | "en"): OrderDocument {
  const base = sampleOrder({ notificationChannel: "EmailAndSms" });
  return {
    ...base,
    ...templateTexts(template, { name: "payment-due", language }, defaults),
    pk: base.id,
    docType: "order",
  };
}

const person = { nationalIdentityNumber: "30859910013", recipientName: "Ingrid Epost" };

describe("template requests", () => {
  it("accepts a template with Bokmål texts only, and refuses one without Bokmål or without any channel", () => {
    const minimal = validate(
      templateRequestSchema,
      { name: "reminder.v1", sms: { nb: { body: "Hei" } } },
      { now },
    );
    expect(minimal.ok).toBe(true);
    const noBokmal = validate(
      templateRequestSchema,
      { name: "r", email: { en: { subject: "S", body: "B" } } },
      { now },
    );
    expect(noBokmal).toEqual({
      ok: false,
      errors: { "email.nb": ["The Bokmål (nb) email text is required."] },
    });
    const empty = validate(templateRequestSchema, { name: "r" }, { now });
    expect(empty).toEqual({ ok: false, errors: { "": ["A template needs an email, an SMS or both."] } });
  });

  it("refuses a name that could not sit in a URL and an SMS body over the segment limit, naming the field", () => {
    const result = validate(
      templateRequestSchema,
      { name: "../other", sms: { nb: { body: "Hei" }, nn: { body: "😀".repeat(600) } } },
      { now },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["name", "sms.nn.body"]);
    expect(result.errors["sms.nn.body"]?.[0]).toMatch(/segments \(UCS-2.*at most 16 are allowed/);
  });
});

describe("orders naming a template", () => {
  const personWith = (fields: object) => ({
    idempotencyId: "t-1",
    recipient: {
      recipientPerson: { nationalIdentityNumber: "30859910013", channelSchema: "Email", ...fields },
    },
  });

  it("need no emailSettings with a template, and may not have both", () => {
    expect(
      validate(futureOrderRequestSchema, personWith({ template: { name: "payment-due" } }), { now }).ok,
    ).toBe(true);
    const both = validate(
      futureOrderRequestSchema,
      personWith({ template: { name: "payment-due" }, emailSettings: { subject: "S", body: "B" } }),
      { now },
    );
    expect(both).toEqual({
      ok: false,
      errors: {
        "recipient.recipientPerson.template": [
          "Give either a template or emailSettings/smsSettings, not both.",
        ],
      },
    });
    const badLanguage = validate(
      futureOrderRequestSchema,
      personWith({ template: { name: "payment-due", language: "se" } }),
      { now },
    );
    expect(badLanguage.ok ? {} : badLanguage.errors).toEqual({
      "recipient.recipientPerson.template.language": ["The language must be nb, nn or en."],
    });
  });
});

describe("the language a recipient gets", () => {
  it("is the order's, else the register's preferred language, else Bokmål", () => {
    expect(chooseLanguage("en", "nn")).toBe("en");
    expect(chooseLanguage(undefined, "nn")).toBe("nn");
    expect(chooseLanguage(undefined, "NB-no")).toBe("nb");
    expect(chooseLanguage(undefined, "se")).toBe("nb");
    expect(chooseLanguage(undefined, undefined)).toBe("nb");
    expect(templateLanguageOf("no")).toBe("nb");
  });

  it("picks the text in that language with keywords replaced, and Bokmål where the template lacks the language", () => {
    const email = notificationFor(
      orderFrom(),
      { channel: "email", address: "ingrid@example.org", status: "New", ...person, language: "nn" },
      now,
      defaultSendingWindow,
    );
    expect(email).toMatchObject({
      subject: "Betaling forfell",
      body: "Hei Ingrid Epost, betal innan fredag.",
    });
    const sms = notificationFor(
      orderFrom(),
      { channel: "sms", address: "+4799000001", status: "New", ...person, language: "nn" },
      now,
      defaultSendingWindow,
    );
    expect(sms).toMatchObject({ body: "Betal innen fredag." });
    const requested = notificationFor(
      orderFrom("en"),
      { channel: "email", address: "ingrid@example.org", status: "New", ...person, language: "nn" },
      now,
      defaultSendingWindow,
    );
    expect(requested).toMatchObject({
      subject: "Payment due",
      body: "Hello Ingrid Epost, please pay by Friday.",
    });
    const unknown = notificationFor(
      orderFrom(),
      { channel: "email", address: "ingrid@example.org", status: "New", ...person },
      now,
      defaultSendingWindow,
    );
    // The subject's line break becomes one space, as for inline subjects.
    expect(unknown).toMatchObject({ subject: "Betaling forfaller", from: "noreply@varsel.local" });
  });

  it("leaves orders with inline texts as they were, whatever the recipient's language", () => {
    const inline = { ...sampleOrder(), pk: "x", docType: "order" as const };
    const email = notificationFor(
      inline,
      { channel: "email", address: "a@example.org", status: "New", language: "en" },
      now,
      defaultSendingWindow,
    );
    expect(email).toMatchObject({ subject: "Hello", body: "Body" });
  });
});
