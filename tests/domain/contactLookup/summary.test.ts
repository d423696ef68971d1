import { externalIdentityKey } from "../../../shared/domain/contactLookup/selection";
import { describe, expect, it } from "vitest";
import {
  emptyRegistrySnapshot,
  mustRejectForMissingContact,
  summarizeLookup,
  type RecipientLookupSummary,
  type RecipientSpec,
  type RegistrySnapshot,
} from "../../../shared/domain/contactLookup/lookup";
import type { NotificationChannel } from "../../../shared/domain/order";

const reachable = "10000000001";
const phoneOnly = "10000000002";
const reserved = "10000000003";
const reservedWithoutContacts = "10000000004";
const unknownPerson = "19999999999";
const orgWithEmail = "310000019";
const orgWithOnlyUsers = "310000027";
const selfIdentified = "urn:altinn:username:kari";

const registry: RegistrySnapshot = {
  ...emptyRegistrySnapshot,
  persons: new Map([
    [reachable, { nationalIdentityNumber: reachable, reserved: false, email: "a@example.com" }],
    [phoneOnly, { nationalIdentityNumber: phoneOnly, reserved: false, mobileNumber: "+4799000002" }],
    [reserved, { nationalIdentityNumber: reserved, reserved: true, email: "r@example.com" }],
    [reservedWithoutContacts, { nationalIdentityNumber: reservedWithoutContacts, reserved: true }],
  ]),
  organizations: new Map([
    [orgWithEmail, { organizationNumber: orgWithEmail, emails: ["post@example.com"], mobileNumbers: [] }],
  ]),
  // Present in the snapshot, yet registration must not use them.
  userContactPoints: [
    {
      organizationNumber: orgWithOnlyUsers,
      userId: "1",
      email: "u@example.com",
      resources: ["sample-service"],
    },
  ],
  selfIdentifiedUsers: new Map([
    [externalIdentityKey(selfIdentified), { externalIdentity: selfIdentified, email: "k@example.com" }],
  ]),
};

const person = (nin: string, channel: NotificationChannel = "EmailPreferred", ignoreReservation = false) =>
  ({ kind: "person", nationalIdentityNumber: nin, channel, ignoreReservation }) as const;
const organization = (org: string, channel: NotificationChannel = "Email") =>
  ({ kind: "organization", organizationNumber: org, channel, resourceId: "sample-service" }) as const;

describe("summarizeLookup (v1 recipientLookup)", () => {
  const cases: Array<[string, RecipientSpec[], RecipientLookupSummary | undefined]> = [
    [
      "direct addresses need no lookup: no summary",
      [
        { kind: "email", emailAddress: "a@example.com" },
        { kind: "sms", phoneNumber: "+4799000001" },
      ],
      undefined,
    ],
    [
      "everyone reachable: Success",
      [
        person(reachable),
        organization(orgWithEmail),
        { kind: "externalIdentity", externalIdentity: selfIdentified, channel: "Email" },
      ],
      { status: "Success", isReserved: [], missingContact: [] },
    ],
    [
      "direct addresses do not count towards the status",
      [{ kind: "email", emailAddress: "a@example.com" }, person(unknownPerson)],
      { status: "Failed", isReserved: [], missingContact: [unknownPerson] },
    ],
    [
      "a reserved person is listed as reserved, not missing: PartialSuccess",
      [person(reachable), person(reserved)],
      { status: "PartialSuccess", isReserved: [reserved], missingContact: [] },
    ],
    [
      "a reserved person without contacts is still not missing",
      [person(reservedWithoutContacts)],
      { status: "Failed", isReserved: [reservedWithoutContacts], missingContact: [] },
    ],
    [
      "reservation is reported even with ignoreReservation, as Altinn does",
      [person(reserved, "Email", true)],
      { status: "Failed", isReserved: [reserved], missingContact: [] },
    ],
    [
      "Email for a person with only a phone: missing",
      [person(phoneOnly, "Email")],
      { status: "Failed", isReserved: [], missingContact: [phoneOnly] },
    ],
    [
      "EmailPreferred for a person with only a phone: reachable",
      [person(phoneOnly, "EmailPreferred")],
      { status: "Success", isReserved: [], missingContact: [] },
    ],
    [
      "user contact points are not used at registration",
      [organization(orgWithOnlyUsers)],
      { status: "Failed", isReserved: [], missingContact: [orgWithOnlyUsers] },
    ],
    [
      "missing identifiers are national identity numbers, organisation numbers or external identities",
      [
        person(unknownPerson),
        organization("399999999"),
        { kind: "externalIdentity", externalIdentity: "urn:altinn:username:nobody", channel: "Sms" },
        person(reachable),
      ],
      {
        status: "PartialSuccess",
        isReserved: [],
        missingContact: [unknownPerson, "399999999", "urn:altinn:username:nobody"],
      },
    ],
    [
      "a recipient listed twice is reported once",
      [person(unknownPerson), person(unknownPerson)],
      { status: "Failed", isReserved: [], missingContact: [unknownPerson] },
    ],
  ];
  it.each(cases)("%s", (_rule, specs, expected) => {
    expect(summarizeLookup(specs, registry)).toEqual(expected);
  });
});

describe("mustRejectForMissingContact (future orders, NOT-00001)", () => {
  it.each([
    ["no lookup needed", [{ kind: "sms", phoneNumber: "+4799000001" }] as RecipientSpec[], false],
    ["everyone reachable", [person(reachable)], false],
    ["only reserved: not missing, accepted", [person(reserved), person(reservedWithoutContacts)], false],
    ["any missing contact rejects", [person(reachable), person(unknownPerson)], true],
  ])("%s → %s", (_rule, specs, expected) => {
    expect(mustRejectForMissingContact(summarizeLookup(specs, registry))).toBe(expected);
  });
});
