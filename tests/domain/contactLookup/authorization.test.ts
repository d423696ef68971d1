import { describe, expect, it } from "vitest";
import {
  emptyRegistrySnapshot,
  resolveRecipients,
  type OrganizationRecipientSpec,
  type PersonRecipientSpec,
  type RegistrySnapshot,
} from "../../../shared/domain/contactLookup/lookup";
import type { RoleAssignment, UserContactPoint } from "../../../shared/domain/contactLookup/contacts";

const orgA = "310000019";
const orgB = "310000027";
const resource = "urn:altinn:resource:tax-report";

const users: UserContactPoint[] = [
  { organizationNumber: orgA, userId: "leader", email: "leader@example.com" },
  { organizationNumber: orgA, userId: "accountant", email: "accountant@example.com" },
  { organizationNumber: orgA, userId: "clerk", email: "clerk@example.com" },
  // One person with contact points for two organisations, holding a role in A only.
  { organizationNumber: orgA, userId: "both", email: "both.a@example.com" },
  { organizationNumber: orgB, userId: "both", email: "both.b@example.com" },
];

const assignments: RoleAssignment[] = [
  { organizationNumber: orgA, userId: "leader", roles: ["DAGL"] },
  { organizationNumber: orgA, userId: "accountant", roles: ["urn:altinn:accesspackage:regnskap"] },
  { organizationNumber: orgA, userId: "clerk", roles: ["POSTMOTTAK"] },
  { organizationNumber: orgA, userId: "both", roles: ["dagl"] },
  // A role in B that the policy does not know.
  { organizationNumber: orgB, userId: "both", roles: ["PRIV"] },
];

const snapshot = (roleAssignments: RoleAssignment[] = assignments): RegistrySnapshot => ({
  ...emptyRegistrySnapshot,
  organizations: new Map([
    [orgA, { organizationNumber: orgA, emails: ["post@a.example.com"], mobileNumbers: [] }],
    [orgB, { organizationNumber: orgB, emails: ["post@b.example.com"], mobileNumbers: [] }],
  ]),
  userContactPoints: users,
  roleAssignments,
  resourcePolicies: new Map([
    [
      "tax-report",
      {
        resourceId: "tax-report",
        actions: { read: ["DAGL", "urn:altinn:accesspackage:regnskap"], write: ["DAGL"] },
      },
    ],
  ]),
});

const order = (organizationNumber: string, extra: Partial<OrganizationRecipientSpec> = {}) =>
  ({ kind: "organization", organizationNumber, channel: "Email", resourceId: resource, ...extra }) as const;

const addresses = (spec: OrganizationRecipientSpec, registry = snapshot()) =>
  resolveRecipients(spec, registry, "processing").map((row) => row.address);

describe("organisation recipients chosen by their roles", () => {
  it("reaches the official address and exactly the users whose roles grant read", () => {
    expect(addresses(order(orgA))).toEqual([
      "post@a.example.com",
      "leader@example.com",
      "accountant@example.com",
      "both.a@example.com",
    ]);
  });

  it("takes the order's resourceAction: write is granted to the general manager only", () => {
    expect(addresses(order(orgA, { resourceAction: "write" }))).toEqual([
      "post@a.example.com",
      "leader@example.com",
      "both.a@example.com",
    ]);
  });

  it("drops a user from the next order once the role is revoked", () => {
    const revoked = assignments.filter((a) => a.userId !== "accountant");
    expect(addresses(order(orgA), snapshot(revoked))).not.toContain("accountant@example.com");
  });

  it("judges a user with contact points for two organisations by the roles in the ordered one", () => {
    expect(addresses(order(orgB))).toEqual(["post@b.example.com"]);
  });

  it("grants nothing for a resource without a policy, and uses no users without a resource", () => {
    expect(addresses(order(orgA, { resourceId: "urn:altinn:resource:unknown" }))).toEqual([
      "post@a.example.com",
    ]);
    expect(addresses(order(orgA, { resourceId: undefined }))).toEqual(["post@a.example.com"]);
  });

  it("still honours a user's own choice to hear only about other resources", () => {
    const choosy = snapshot();
    const withChoice: RegistrySnapshot = {
      ...choosy,
      userContactPoints: users.map((u) =>
        u.userId === "leader" ? { ...u, resources: ["urn:altinn:resource:something-else"] } : u,
      ),
    };
    expect(addresses(order(orgA), withChoice)).not.toContain("leader@example.com");
  });

  it("uses no user contact points at registration", () => {
    expect(resolveRecipients(order(orgA), snapshot(), "registration").map((r) => r.address)).toEqual([
      "post@a.example.com",
    ]);
  });
});

describe("KRR freshness: contact details not confirmed for 18 months", () => {
  const asOf = new Date("2026-12-01T00:00:00Z");
  const registry: RegistrySnapshot = {
    ...emptyRegistrySnapshot,
    asOf,
    persons: new Map([
      [
        "15838510075",
        {
          nationalIdentityNumber: "15838510075",
          reserved: false,
          email: "stale@example.com",
          emailLastVerified: "2025-05-31",
          mobileNumber: "+4799000001",
          mobileNumberLastVerified: "2025-06-02T00:00:00Z",
        },
      ],
    ]),
  };
  const person = (extra: Partial<PersonRecipientSpec> = {}): PersonRecipientSpec => ({
    kind: "person",
    nationalIdentityNumber: "15838510075",
    channel: "EmailPreferred",
    ignoreReservation: false,
    ...extra,
  });

  it("leaves out a stale email and falls back to the current mobile", () => {
    expect(resolveRecipients(person(), registry, "processing")).toMatchObject([
      { channel: "sms", address: "+4799000001", status: "New" },
    ]);
  });

  it("uses the stale email when the order allows stale contact information", () => {
    expect(
      resolveRecipients(person({ useStaleContactInformation: true }), registry, "processing"),
    ).toMatchObject([{ channel: "email", address: "stale@example.com", status: "New" }]);
  });

  it("finds nobody when every detail is stale", () => {
    expect(resolveRecipients(person({ channel: "Email" }), registry, "processing")).toMatchObject([
      { channel: "email", status: "Failed_RecipientNotIdentified" },
    ]);
  });
});
