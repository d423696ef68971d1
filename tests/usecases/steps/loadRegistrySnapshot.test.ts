import { describe, expect, it } from "vitest";
import {
  collectLookupKeys,
  emptyRegistrySnapshot,
  resolveRecipientsForOrder,
  type LookupKeys,
  type RecipientSpec,
} from "../../../shared/domain/contactLookup/lookup";
import { loadRegistrySnapshot } from "../../../shared/usecases/steps/loadRegistrySnapshot";
import { recipientSpecsFor } from "../../../shared/domain/contactLookup/specs";
import type { NotificationChannel, StoredRecipient } from "../../../shared/domain/order";
import type { ContactRegistry } from "../../../shared/ports/contactRegistry";

const specs: RecipientSpec[] = [
  { kind: "email", emailAddress: "a@example.com" },
  { kind: "sms", phoneNumber: "+4799000001" },
  { kind: "person", nationalIdentityNumber: "10000000001", channel: "Email", ignoreReservation: false },
  { kind: "person", nationalIdentityNumber: "10000000001", channel: "Sms", ignoreReservation: true },
  {
    kind: "organization",
    organizationNumber: "310000019",
    channel: "Email",
    resourceId: "urn:altinn:resource:a",
  },
  { kind: "organization", organizationNumber: "310000027", channel: "Email", resourceId: "a" },
  {
    kind: "organization",
    organizationNumber: "310000035",
    channel: "Email",
    resourceId: "urn:altinn:resource:b",
  },
  { kind: "organization", organizationNumber: "311000012", channel: "Email" },
  { kind: "externalIdentity", externalIdentity: "urn:altinn:username:Kari", channel: "Email" },
  { kind: "externalIdentity", externalIdentity: "urn:altinn:username:kari", channel: "Email" },
];

describe("collectLookupKeys", () => {
  it("lists each identifier once per kind and skips direct addresses", () => {
    const keys = collectLookupKeys(specs, "registration");
    expect(keys).toEqual({
      nationalIdentityNumbers: ["10000000001"],
      organizationNumbers: ["310000019", "310000027", "310000035", "311000012"],
      externalIdentities: ["urn:altinn:username:Kari"],
      userContactPoints: [],
    });
  });

  it("at processing, groups organisations with a resource id by resource, whatever its form", () => {
    expect(collectLookupKeys(specs, "processing").userContactPoints).toEqual([
      { resourceId: "a", organizationNumbers: ["310000019", "310000027"] },
      { resourceId: "b", organizationNumbers: ["310000035"] },
    ]);
  });

  it("needs nothing for direct addresses only", () => {
    expect(collectLookupKeys(specs.slice(0, 2), "processing")).toEqual({
      nationalIdentityNumbers: [],
      organizationNumbers: [],
      externalIdentities: [],
      userContactPoints: [],
    });
  });
});

/** Records every call, so a test can count round trips to the registry. */
function recordingRegistry(): ContactRegistry & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    findPersons: async (nins) => {
      calls.push(`persons:${nins.join(",")}`);
      return new Map(
        nins.map((n) => [n, { nationalIdentityNumber: n, reserved: false, email: `${n}@example.com` }]),
      );
    },
    findOrganizations: async (orgs) => {
      calls.push(`organizations:${orgs.join(",")}`);
      return new Map();
    },
    findUserContactPoints: async (orgs, resourceId) => {
      calls.push(`users:${resourceId}:${orgs.join(",")}`);
      return orgs.map((o) => ({
        organizationNumber: o,
        userId: "1",
        email: `${o}@example.com`,
        resources: [resourceId],
      }));
    },
    findSelfIdentifiedUsers: async (urns) => {
      calls.push(`selfIdentified:${urns.join(",")}`);
      return new Map();
    },
    findRoleAssignments: async (orgs) => {
      calls.push(`roles:${orgs.join(",")}`);
      return orgs.map((o) => ({ organizationNumber: o, userId: "1", roles: ["DAGL"] }));
    },
    findResourcePolicies: async (resourceIds) => {
      calls.push(`policies:${resourceIds.join(",")}`);
      return new Map(resourceIds.map((r) => [r, { resourceId: r, actions: { read: ["DAGL"] } }]));
    },
  };
}

describe("loadRegistrySnapshot", () => {
  it("makes one call per kind and one per resource", async () => {
    const registry = recordingRegistry();
    const snapshot = await loadRegistrySnapshot(registry, collectLookupKeys(specs, "processing"));
    expect(registry.calls.sort()).toEqual([
      "organizations:310000019,310000027,310000035,311000012",
      "persons:10000000001",
      "policies:a,b",
      "roles:310000019,310000027,310000035",
      "selfIdentified:urn:altinn:username:Kari",
      "users:a:310000019,310000027",
      "users:b:310000035",
    ]);
    expect(snapshot.userContactPoints).toHaveLength(3);
    expect(snapshot.persons.get("10000000001")?.email).toBe("10000000001@example.com");
  });

  it("skips kinds nobody needs", async () => {
    const registry = recordingRegistry();
    const keys: LookupKeys = {
      ...collectLookupKeys([], "processing"),
      nationalIdentityNumbers: ["10000000001"],
    };
    await loadRegistrySnapshot(registry, keys);
    expect(registry.calls).toEqual(["persons:10000000001"]);
  });

  it("feeds resolution end to end", async () => {
    const wanted: RecipientSpec[] = [
      { kind: "organization", organizationNumber: "310000019", channel: "Email", resourceId: "a" },
    ];
    const snapshot = await loadRegistrySnapshot(recordingRegistry(), collectLookupKeys(wanted, "processing"));
    expect(resolveRecipientsForOrder(wanted, snapshot, "processing")).toEqual([
      { channel: "email", address: "310000019@example.com", status: "New", organizationNumber: "310000019" },
    ]);
    expect(resolveRecipientsForOrder(wanted, emptyRegistrySnapshot, "processing")[0]?.status).toBe(
      "Failed_RecipientNotIdentified",
    );
  });
});

describe("recipientSpecsFor (stored order recipients)", () => {
  const direct: StoredRecipient = { emailAddress: "a@example.com", mobileNumber: "+4799000001" };
  const cases: Array<[string, StoredRecipient, NotificationChannel, RecipientSpec[]]> = [
    [
      "Email uses only the email address",
      direct,
      "Email",
      [{ kind: "email", emailAddress: "a@example.com" }],
    ],
    ["Sms uses only the mobile number", direct, "Sms", [{ kind: "sms", phoneNumber: "+4799000001" }]],
    [
      "a Preferred schema uses both direct addresses, as Altinn does",
      direct,
      "EmailPreferred",
      [
        { kind: "email", emailAddress: "a@example.com" },
        { kind: "sms", phoneNumber: "+4799000001" },
      ],
    ],
    [
      "a national identity number is looked up with the order's reservation setting",
      { nationalIdentityNumber: "10000000001" },
      "Sms",
      [{ kind: "person", nationalIdentityNumber: "10000000001", channel: "Sms", ignoreReservation: true }],
    ],
    [
      "an organisation number is looked up with the order's resource",
      { organizationNumber: "310000019" },
      "EmailAndSms",
      [
        {
          kind: "organization",
          organizationNumber: "310000019",
          channel: "EmailAndSms",
          resourceId: "urn:altinn:resource:x",
        },
      ],
    ],
    [
      "an external identity is looked up",
      { externalIdentity: "urn:altinn:username:kari" },
      "Email",
      [{ kind: "externalIdentity", externalIdentity: "urn:altinn:username:kari", channel: "Email" }],
    ],
  ];
  it.each(cases)("%s", (_rule, recipient, notificationChannel, expected) => {
    const options = { notificationChannel, ignoreReservation: true, resourceId: "urn:altinn:resource:x" };
    expect(recipientSpecsFor(recipient, options)).toEqual(expected);
  });

  it("defaults ignoreReservation to false and omits an absent resource id", () => {
    expect(recipientSpecsFor({ nationalIdentityNumber: "1" }, { notificationChannel: "Email" })).toEqual([
      { kind: "person", nationalIdentityNumber: "1", channel: "Email", ignoreReservation: false },
    ]);
    expect(recipientSpecsFor({ organizationNumber: "2" }, { notificationChannel: "Email" })).toEqual([
      { kind: "organization", organizationNumber: "2", channel: "Email" },
    ]);
  });
});
