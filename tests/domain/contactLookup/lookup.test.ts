import { externalIdentityKey } from "../../../shared/domain/contactLookup/selection";
import { describe, expect, it } from "vitest";
import {
  emptyRegistrySnapshot,
  resolveRecipients,
  resolveRecipientsForOrder,
  type RecipientSpec,
  type RegistrySnapshot,
  type ResolvedAddress,
} from "../../../shared/domain/contactLookup/lookup";
import type { NotificationChannel } from "../../../shared/domain/order";
import type { PersonContact, SelfIdentifiedUserContact } from "../../../shared/domain/contactLookup/contacts";

const person = (nin: string, contact: Omit<PersonContact, "nationalIdentityNumber" | "reserved"> = {}) => ({
  nationalIdentityNumber: nin,
  reserved: false,
  ...contact,
});

const both = person("10000000001", { name: "Kari", email: "kari@example.com", mobileNumber: "+4799000001" });
const phoneOnly = person("10000000002", { mobileNumber: "99000002" });
const emailOnly = person("10000000003", { email: "emil@example.com" });
const nothing = person("10000000004");
const reserved = {
  ...person("10000000005", { email: "res@example.com", mobileNumber: "+4799000005" }),
  reserved: true,
};
const reservedPhone = { ...person("10000000006", { mobileNumber: "+4799000006" }), reserved: true };
const reservedNothing = { ...person("10000000007"), reserved: true };
const invalidMobile = person("10000000008", { mobileNumber: "12345" });
const internationalPrefix = person("10000000009", { mobileNumber: "004799000009" });
const landline = person("10000000010", { email: "land@example.com", mobileNumber: "+4722334455" });
const unknownNin = "19999999999";

const selfIdentified: SelfIdentifiedUserContact[] = [
  { externalIdentity: "urn:altinn:username:bothuser", email: "both@example.com", mobileNumber: "41000001" },
  { externalIdentity: "urn:altinn:username:phoneuser", mobileNumber: "+4741000002" },
  { externalIdentity: "urn:altinn:username:badphone", mobileNumber: "not a number" },
];

const registry: RegistrySnapshot = {
  ...emptyRegistrySnapshot,
  persons: new Map(
    [
      both,
      phoneOnly,
      emailOnly,
      nothing,
      reserved,
      reservedPhone,
      reservedNothing,
      invalidMobile,
      internationalPrefix,
      landline,
    ].map((p) => [p.nationalIdentityNumber, p]),
  ),
  selfIdentifiedUsers: new Map(selfIdentified.map((u) => [externalIdentityKey(u.externalIdentity), u])),
};

/** A row as [channel, status, address] so a table reads like the rule it checks. */
type Row = [ResolvedAddress["channel"], ResolvedAddress["status"], string?];
const rowsOf = (resolved: ResolvedAddress[]): Row[] =>
  resolved.map((r) => (r.address === undefined ? [r.channel, r.status] : [r.channel, r.status, r.address]));

const personSpec = (nin: string, channel: NotificationChannel, ignoreReservation = false): RecipientSpec => ({
  kind: "person",
  nationalIdentityNumber: nin,
  channel,
  ignoreReservation,
});

describe("persons by national identity number", () => {
  const cases: Array<[string, string, NotificationChannel, Row[]]> = [
    ["Email takes the email", both.nationalIdentityNumber, "Email", [["email", "New", "kari@example.com"]]],
    ["Sms takes the mobile", both.nationalIdentityNumber, "Sms", [["sms", "New", "+4799000001"]]],
    [
      "EmailAndSms takes both",
      both.nationalIdentityNumber,
      "EmailAndSms",
      [
        ["email", "New", "kari@example.com"],
        ["sms", "New", "+4799000001"],
      ],
    ],
    [
      "EmailPreferred takes only the email",
      both.nationalIdentityNumber,
      "EmailPreferred",
      [["email", "New", "kari@example.com"]],
    ],
    [
      "SmsPreferred takes only the mobile",
      both.nationalIdentityNumber,
      "SmsPreferred",
      [["sms", "New", "+4799000001"]],
    ],
    [
      "EmailPreferred falls back to SMS",
      phoneOnly.nationalIdentityNumber,
      "EmailPreferred",
      [["sms", "New", "+4799000002"]],
    ],
    [
      "SmsPreferred falls back to email",
      emailOnly.nationalIdentityNumber,
      "SmsPreferred",
      [["email", "New", "emil@example.com"]],
    ],
    [
      "Email without email is not identified",
      phoneOnly.nationalIdentityNumber,
      "Email",
      [["email", "Failed_RecipientNotIdentified"]],
    ],
    [
      "Sms without mobile is not identified",
      emailOnly.nationalIdentityNumber,
      "Sms",
      [["sms", "Failed_RecipientNotIdentified"]],
    ],
    [
      "EmailAndSms fails only the missing channel",
      emailOnly.nationalIdentityNumber,
      "EmailAndSms",
      [
        ["email", "New", "emil@example.com"],
        ["sms", "Failed_RecipientNotIdentified"],
      ],
    ],
    [
      "EmailPreferred with nothing fails on email",
      nothing.nationalIdentityNumber,
      "EmailPreferred",
      [["email", "Failed_RecipientNotIdentified"]],
    ],
    [
      "SmsPreferred with nothing fails on SMS",
      nothing.nationalIdentityNumber,
      "SmsPreferred",
      [["sms", "Failed_RecipientNotIdentified"]],
    ],
    [
      "an unknown person fails on both channels of EmailAndSms",
      unknownNin,
      "EmailAndSms",
      [
        ["email", "Failed_RecipientNotIdentified"],
        ["sms", "Failed_RecipientNotIdentified"],
      ],
    ],
    ["an unknown person fails on Sms", unknownNin, "Sms", [["sms", "Failed_RecipientNotIdentified"]]],
    [
      "an invalid mobile is dropped",
      invalidMobile.nationalIdentityNumber,
      "Sms",
      [["sms", "Failed_RecipientNotIdentified"]],
    ],
    [
      "a landline is dropped, so SmsPreferred falls back",
      landline.nationalIdentityNumber,
      "SmsPreferred",
      [["email", "New", "land@example.com"]],
    ],
    ["00 becomes +", internationalPrefix.nationalIdentityNumber, "Sms", [["sms", "New", "+4799000009"]]],
  ];
  it.each(cases)("%s", (_rule, nin, channel, expected) => {
    expect(rowsOf(resolveRecipients(personSpec(nin, channel), registry, "processing"))).toEqual(expected);
  });

  it("carries the identity number and name on every row, for keywords and notification ids", () => {
    expect(
      resolveRecipients(personSpec(both.nationalIdentityNumber, "EmailAndSms"), registry, "processing"),
    ).toEqual([
      {
        channel: "email",
        address: "kari@example.com",
        status: "New",
        nationalIdentityNumber: both.nationalIdentityNumber,
        recipientName: "Kari",
      },
      {
        channel: "sms",
        address: "+4799000001",
        status: "New",
        nationalIdentityNumber: both.nationalIdentityNumber,
        recipientName: "Kari",
      },
    ]);
  });

  it("resolves the same at registration: stage only matters for organisations", () => {
    const spec = personSpec(phoneOnly.nationalIdentityNumber, "EmailPreferred");
    expect(resolveRecipients(spec, registry, "registration")).toEqual(
      resolveRecipients(spec, registry, "processing"),
    );
  });
});

describe("reservation (KRR)", () => {
  const cases: Array<[string, string, NotificationChannel, boolean, Row[]]> = [
    [
      "Email: one reserved row, no address",
      reserved.nationalIdentityNumber,
      "Email",
      false,
      [["email", "Failed_RecipientReserved"]],
    ],
    [
      "Sms: one reserved row, no address",
      reserved.nationalIdentityNumber,
      "Sms",
      false,
      [["sms", "Failed_RecipientReserved"]],
    ],
    [
      "EmailAndSms: one reserved row per channel",
      reserved.nationalIdentityNumber,
      "EmailAndSms",
      false,
      [
        ["email", "Failed_RecipientReserved"],
        ["sms", "Failed_RecipientReserved"],
      ],
    ],
    [
      "EmailPreferred: reserved on the selected channel",
      reserved.nationalIdentityNumber,
      "EmailPreferred",
      false,
      [["email", "Failed_RecipientReserved"]],
    ],
    [
      "EmailPreferred with only a mobile: reserved on SMS",
      reservedPhone.nationalIdentityNumber,
      "EmailPreferred",
      false,
      [["sms", "Failed_RecipientReserved"]],
    ],
    [
      "no contacts: reserved on the preferred channel",
      reservedNothing.nationalIdentityNumber,
      "SmsPreferred",
      false,
      [["sms", "Failed_RecipientReserved"]],
    ],
    [
      "ignoreReservation sends to the address",
      reserved.nationalIdentityNumber,
      "Email",
      true,
      [["email", "New", "res@example.com"]],
    ],
    [
      "ignoreReservation sends on both channels",
      reserved.nationalIdentityNumber,
      "EmailAndSms",
      true,
      [
        ["email", "New", "res@example.com"],
        ["sms", "New", "+4799000005"],
      ],
    ],
    [
      "ignoreReservation without contacts is not identified",
      reservedNothing.nationalIdentityNumber,
      "EmailPreferred",
      true,
      [["email", "Failed_RecipientNotIdentified"]],
    ],
  ];
  it.each(cases)("%s", (_rule, nin, channel, ignoreReservation, expected) => {
    const resolved = resolveRecipients(personSpec(nin, channel, ignoreReservation), registry, "processing");
    expect(rowsOf(resolved)).toEqual(expected);
  });

  it("never exposes a reserved person's address", () => {
    const resolved = resolveRecipients(
      personSpec(reserved.nationalIdentityNumber, "EmailAndSms"),
      registry,
      "processing",
    );
    expect(JSON.stringify(resolved)).not.toMatch(/res@example\.com|99000005/);
  });
});

describe("external identities (self-identified users)", () => {
  const spec = (urn: string, channel: NotificationChannel): RecipientSpec => ({
    kind: "externalIdentity",
    externalIdentity: urn,
    channel,
  });
  const cases: Array<[string, string, NotificationChannel, Row[]]> = [
    ["Email", "urn:altinn:username:bothuser", "Email", [["email", "New", "both@example.com"]]],
    ["Sms normalises the mobile", "urn:altinn:username:bothuser", "Sms", [["sms", "New", "+4741000001"]]],
    [
      "EmailAndSms",
      "urn:altinn:username:bothuser",
      "EmailAndSms",
      [
        ["email", "New", "both@example.com"],
        ["sms", "New", "+4741000001"],
      ],
    ],
    [
      "EmailPreferred takes only the email",
      "urn:altinn:username:bothuser",
      "EmailPreferred",
      [["email", "New", "both@example.com"]],
    ],
    [
      "EmailPreferred falls back to SMS",
      "urn:altinn:username:phoneuser",
      "EmailPreferred",
      [["sms", "New", "+4741000002"]],
    ],
    ["matched case-insensitively", "urn:altinn:username:PhoneUser", "Sms", [["sms", "New", "+4741000002"]]],
    [
      "an invalid mobile is dropped",
      "urn:altinn:username:badphone",
      "Sms",
      [["sms", "Failed_RecipientNotIdentified"]],
    ],
    [
      "unknown: not identified",
      "urn:altinn:username:nobody",
      "Email",
      [["email", "Failed_RecipientNotIdentified"]],
    ],
  ];
  it.each(cases)("%s", (_rule, urn, channel, expected) => {
    expect(rowsOf(resolveRecipients(spec(urn, channel), registry, "processing"))).toEqual(expected);
  });

  it("carries the external identity as ordered and no national identity number", () => {
    const [row] = resolveRecipients(spec("urn:altinn:username:PhoneUser", "Sms"), registry, "processing");
    expect(row).toEqual({
      channel: "sms",
      address: "+4741000002",
      status: "New",
      externalIdentity: "urn:altinn:username:PhoneUser",
    });
  });
});

describe("direct addresses", () => {
  const cases: Array<[string, RecipientSpec, Row[]]> = [
    [
      "an email is used as is",
      { kind: "email", emailAddress: "Ola@Example.com" },
      [["email", "New", "Ola@Example.com"]],
    ],
    ["a +47 number is kept", { kind: "sms", phoneNumber: "+4799000001" }, [["sms", "New", "+4799000001"]]],
    ["00 becomes +", { kind: "sms", phoneNumber: "004799000001" }, [["sms", "New", "+4799000001"]]],
    [
      "an 8-digit Norwegian mobile gets +47",
      { kind: "sms", phoneNumber: "41000002" },
      [["sms", "New", "+4741000002"]],
    ],
    [
      "a blank address is not identified",
      { kind: "email", emailAddress: "  " },
      [["email", "Failed_RecipientNotIdentified"]],
    ],
  ];
  it.each(cases)("%s", (_rule, spec, expected) => {
    expect(rowsOf(resolveRecipients(spec, emptyRegistrySnapshot, "processing"))).toEqual(expected);
  });

  it("carries no identifiers", () => {
    expect(
      resolveRecipients({ kind: "email", emailAddress: "a@example.com" }, registry, "processing"),
    ).toEqual([{ channel: "email", address: "a@example.com", status: "New" }]);
  });
});

describe("de-duplication within an order", () => {
  const cases: Array<[string, RecipientSpec[], Row[]]> = [
    [
      "the same email in another case is sent once, to the first spelling",
      [{ kind: "email", emailAddress: "KARI@example.com" }, personSpec(both.nationalIdentityNumber, "Email")],
      [["email", "New", "KARI@example.com"]],
    ],
    [
      "00 and + forms of a number are one address",
      [
        { kind: "sms", phoneNumber: "004799000001" },
        { kind: "sms", phoneNumber: "+4799000001" },
        personSpec(both.nationalIdentityNumber, "Sms"),
      ],
      [["sms", "New", "+4799000001"]],
    ],
    [
      "the same person twice gets one reserved row per channel",
      [
        personSpec(reserved.nationalIdentityNumber, "Email"),
        personSpec(reserved.nationalIdentityNumber, "Email"),
      ],
      [["email", "Failed_RecipientReserved"]],
    ],
    [
      "two unknown persons keep a row each",
      [personSpec(unknownNin, "Sms"), personSpec("19999999998", "Sms")],
      [
        ["sms", "Failed_RecipientNotIdentified"],
        ["sms", "Failed_RecipientNotIdentified"],
      ],
    ],
    [
      "an address is de-duplicated per channel only",
      [
        personSpec(both.nationalIdentityNumber, "EmailAndSms"),
        { kind: "email", emailAddress: "kari@example.com" },
      ],
      [
        ["email", "New", "kari@example.com"],
        ["sms", "New", "+4799000001"],
      ],
    ],
  ];
  it.each(cases)("%s", (_rule, specs, expected) => {
    expect(rowsOf(resolveRecipientsForOrder(specs, registry, "processing"))).toEqual(expected);
  });
});
