import { describe, expect, it } from "vitest";
import {
  emptyRegistrySnapshot,
  resolveRecipients,
  resourceMatches,
  type LookupStage,
  type RecipientSpec,
  type RegistrySnapshot,
  type ResolvedAddress,
} from "../../../shared/domain/contactLookup/lookup";
import type { NotificationChannel } from "../../../shared/domain/order";
import type { OrganizationContact, UserContactPoint } from "../../../shared/domain/contactLookup/contacts";

const orgA = "310000019";
const emailOnlyOrg = "310000027";
const smsOnlyOrg = "310000035";
const emptyOrg = "311000012";
const unknownOrg = "399999999";
const resource = "urn:altinn:resource:sample-service";

const organizations: OrganizationContact[] = [
  {
    organizationNumber: orgA,
    name: "Eksempel AS",
    // Same address twice in different case, a blank, a number twice in two forms, and a landline.
    emails: ["Post@Example.com", "post@example.com", " ", "faktura@example.com"],
    mobileNumbers: ["99000010", "+4799000010", "0047 99000011", "+4722334455"],
  },
  { organizationNumber: emailOnlyOrg, emails: ["postmottak@example.org"], mobileNumbers: [] },
  { organizationNumber: smsOnlyOrg, emails: [], mobileNumbers: ["+4741000030"] },
  { organizationNumber: emptyOrg, emails: [], mobileNumbers: [] },
];

const user = (userId: string, contact: Partial<UserContactPoint>, org = orgA): UserContactPoint => ({
  organizationNumber: org,
  userId,
  resources: [resource],
  ...contact,
});

const userContactPoints: UserContactPoint[] = [
  user("u1", { email: "lise@example.com" }),
  user("u2", { mobileNumber: "41000011", resources: ["sample-service"] }),
  // Email duplicates the official list (other case): nulled, so a Preferred schema falls back to the mobile.
  user("u3", { email: "POST@example.com", mobileNumber: "99000012" }),
  // Duplicates u1 entirely: removed.
  user("u4", { email: "Lise@example.com" }),
  user("u5", { email: "other@example.com", resources: ["urn:altinn:resource:other-service"] }),
  user("u6", { mobileNumber: "+4799000020" }, emptyOrg),
  // Mobile duplicates the official list after normalisation: removed.
  user("u7", { mobileNumber: "004799000011" }),
];

// Every user holds a role that grants `read` on both resources; roles are tested on their own below.
const registry: RegistrySnapshot = {
  ...emptyRegistrySnapshot,
  organizations: new Map(organizations.map((o) => [o.organizationNumber, o])),
  userContactPoints,
  roleAssignments: userContactPoints.map((u) => ({
    organizationNumber: u.organizationNumber,
    userId: u.userId,
    roles: ["DAGL"],
  })),
  resourcePolicies: new Map(
    ["sample-service", "other-service"].map((r) => [r, { resourceId: r, actions: { read: ["DAGL"] } }]),
  ),
};

type Row = [ResolvedAddress["channel"], ResolvedAddress["status"], string?];
const rowsOf = (resolved: ResolvedAddress[]): Row[] =>
  resolved.map((r) => (r.address === undefined ? [r.channel, r.status] : [r.channel, r.status, r.address]));

const orgSpec = (org: string, channel: NotificationChannel, resourceId?: string): RecipientSpec => ({
  kind: "organization",
  organizationNumber: org,
  channel,
  ...(resourceId === undefined ? {} : { resourceId }),
});

const officialEmails: Row[] = [
  ["email", "New", "Post@Example.com"],
  ["email", "New", "faktura@example.com"],
];
const officialMobiles: Row[] = [
  ["sms", "New", "+4799000010"],
  ["sms", "New", "+4799000011"],
];

describe("organisations: official notification addresses", () => {
  const cases: Array<[string, string, NotificationChannel, Row[]]> = [
    ["Email: every email, de-duplicated case-insensitively", orgA, "Email", officialEmails],
    ["Sms: every valid mobile, normalised and de-duplicated", orgA, "Sms", officialMobiles],
    ["EmailAndSms: both lists", orgA, "EmailAndSms", [...officialEmails, ...officialMobiles]],
    ["EmailPreferred: the whole email list when it has any", orgA, "EmailPreferred", officialEmails],
    ["SmsPreferred: the whole mobile list when it has any", orgA, "SmsPreferred", officialMobiles],
    [
      "SmsPreferred falls back to the email list",
      emailOnlyOrg,
      "SmsPreferred",
      [["email", "New", "postmottak@example.org"]],
    ],
    [
      "EmailPreferred falls back to the mobile list",
      smsOnlyOrg,
      "EmailPreferred",
      [["sms", "New", "+4741000030"]],
    ],
    [
      "Sms without mobiles is not identified",
      emailOnlyOrg,
      "Sms",
      [["sms", "Failed_RecipientNotIdentified"]],
    ],
    [
      "EmailPreferred with nothing fails on email",
      emptyOrg,
      "EmailPreferred",
      [["email", "Failed_RecipientNotIdentified"]],
    ],
    [
      "SmsPreferred with nothing fails on SMS",
      emptyOrg,
      "SmsPreferred",
      [["sms", "Failed_RecipientNotIdentified"]],
    ],
    [
      "an unknown organisation fails on both channels of EmailAndSms",
      unknownOrg,
      "EmailAndSms",
      [
        ["email", "Failed_RecipientNotIdentified"],
        ["sms", "Failed_RecipientNotIdentified"],
      ],
    ],
  ];
  it.each(cases)("%s", (_rule, org, channel, expected) => {
    expect(rowsOf(resolveRecipients(orgSpec(org, channel), registry, "processing"))).toEqual(expected);
  });

  it("carries the organisation number and name, never a national identity number", () => {
    const [row] = resolveRecipients(orgSpec(smsOnlyOrg, "Sms"), registry, "processing");
    expect(row).toEqual({
      channel: "sms",
      address: "+4741000030",
      status: "New",
      organizationNumber: smsOnlyOrg,
    });
    const [named] = resolveRecipients(orgSpec(orgA, "Email"), registry, "processing");
    expect(named).toMatchObject({ organizationNumber: orgA, recipientName: "Eksempel AS" });
  });
});

describe("organisations: user-registered contact points for the order's resource", () => {
  const cases: Array<[string, string, NotificationChannel, string | undefined, LookupStage, Row[]]> = [
    [
      "Email adds each user's email unless it duplicates one already kept",
      orgA,
      "Email",
      resource,
      "processing",
      [...officialEmails, ["email", "New", "lise@example.com"]],
    ],
    [
      "Sms adds each user's mobile unless it duplicates one already kept",
      orgA,
      "Sms",
      resource,
      "processing",
      [...officialMobiles, ["sms", "New", "+4741000011"], ["sms", "New", "+4799000012"]],
    ],
    [
      "EmailPreferred picks per user: email, else mobile",
      orgA,
      "EmailPreferred",
      resource,
      "processing",
      [
        ...officialEmails,
        ["email", "New", "lise@example.com"],
        ["sms", "New", "+4741000011"],
        ["sms", "New", "+4799000012"],
      ],
    ],
    [
      "SmsPreferred picks per user: mobile, else email",
      orgA,
      "SmsPreferred",
      resource,
      "processing",
      [
        ...officialMobiles,
        ["sms", "New", "+4741000011"],
        ["sms", "New", "+4799000012"],
        ["email", "New", "lise@example.com"],
      ],
    ],
    [
      "the resource id matches without the URN prefix too",
      orgA,
      "Email",
      "sample-service",
      "processing",
      [...officialEmails, ["email", "New", "lise@example.com"]],
    ],
    [
      "users registered for another resource only",
      orgA,
      "Email",
      "urn:altinn:resource:other-service",
      "processing",
      [...officialEmails, ["email", "New", "other@example.com"]],
    ],
    ["no resource id: official addresses only", orgA, "Email", undefined, "processing", officialEmails],
    ["registration: official addresses only", orgA, "Email", resource, "registration", officialEmails],
    [
      "an organisation with only a user contact point reaches that user",
      emptyOrg,
      "EmailPreferred",
      resource,
      "processing",
      [["sms", "New", "+4799000020"]],
    ],
    [
      "the same organisation at registration is not identified",
      emptyOrg,
      "EmailPreferred",
      resource,
      "registration",
      [["email", "Failed_RecipientNotIdentified"]],
    ],
  ];
  it.each(cases)("%s", (_rule, org, channel, resourceId, stage, expected) => {
    expect(rowsOf(resolveRecipients(orgSpec(org, channel, resourceId), registry, stage))).toEqual(expected);
  });

  it.each([
    [["urn:altinn:resource:a"], "a", true],
    [["a"], "urn:altinn:resource:a", true],
    [[" urn:altinn:resource:a "], "a", true],
    [["urn:altinn:resource:ab"], "a", false],
    [["a"], "", false],
    [[], "a", false],
  ])("resourceMatches(%j, %j) is %s", (resources, resourceId, expected) => {
    expect(resourceMatches(resources, resourceId)).toBe(expected);
  });
});
