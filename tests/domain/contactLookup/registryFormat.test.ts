import { describe, expect, it } from "vitest";
import { validateRegistryData } from "../../../shared/domain/contactLookup/registryFormat";
import {
  isValidEmailAddress,
  isValidNationalIdentityNumber,
  isValidOrganizationNumber,
  normalizeMobileNumber,
} from "../../../shared/domain/norwegianIdentifiers";
import sampleRegistry from "../../../shared/local/sampleRegistry.json";

const validPerson = { nationalIdentityNumber: "15838510075", email: "kari@example.com" };
const validOrganization = { organizationNumber: "310000019", emails: ["post@example.com"] };
const base = { persons: [validPerson], organizations: [validOrganization], userContactPoints: [] };

function problemsOf(input: unknown): string[] {
  const result = validateRegistryData(input);
  return result.success ? [] : result.problems;
}

describe("the sample registry", () => {
  it("is valid in the documented format", () => {
    expect(problemsOf(sampleRegistry)).toEqual([]);
  });

  it("uses synthetic but check-digit-valid identifiers and example addresses", () => {
    for (const p of sampleRegistry.persons) {
      expect(isValidNationalIdentityNumber(p.nationalIdentityNumber)).toBe(true);
      // Tenor-style synthetic numbers: month + 80, so they cannot be anyone's real number.
      expect(Number(p.nationalIdentityNumber.slice(2, 4))).toBeGreaterThan(80);
    }
    for (const o of sampleRegistry.organizations)
      expect(isValidOrganizationNumber(o.organizationNumber)).toBe(true);
    const emails = JSON.stringify(sampleRegistry).match(/[\w.+-]+@[\w.-]+/g) ?? [];
    for (const email of emails) expect(email).toMatch(/@example\.(com|org)$/);
    expect(sampleRegistry.persons.filter((p) => p.reserved)).toHaveLength(1);
    expect(sampleRegistry.persons.some((p) => p.mobileNumber && !("email" in p))).toBe(true);
    const sampleUsers = sampleRegistry.userContactPoints.filter((u) =>
      u.resources.includes("urn:altinn:resource:sample-service"),
    );
    expect(sampleUsers.length).toBeGreaterThan(0);
    for (const p of sampleRegistry.persons) {
      if (p.mobileNumber) expect(normalizeMobileNumber(p.mobileNumber)).toMatch(/^\+47(99|41)/);
      if ("email" in p && p.email) expect(isValidEmailAddress(p.email)).toBe(true);
    }
  });
});

describe("validateRegistryData", () => {
  it("accepts the minimal format and fills defaults", () => {
    const result = validateRegistryData(base);
    expect(result.success && result.data).toEqual({
      persons: [{ ...validPerson, reserved: false }],
      organizations: [{ ...validOrganization, mobileNumbers: [] }],
      userContactPoints: [],
    });
  });

  it.each([
    ["not an object", 42, ["(root): Invalid input: expected object, received number"]],
    [
      "missing lists",
      { persons: [] },
      [
        "organizations: Invalid input: expected array, received undefined",
        "userContactPoints: Invalid input: expected array, received undefined",
      ],
    ],
    [
      "a bad check digit",
      { ...base, persons: [{ nationalIdentityNumber: "15838510076" }] },
      ["persons[0].nationalIdentityNumber: must be 11 digits with valid check digits"],
    ],
    [
      "a bad organisation number",
      { ...base, organizations: [{ organizationNumber: "310000018" }] },
      ["organizations[0].organizationNumber: must be 9 digits with a valid check digit"],
    ],
    [
      "a landline among the mobiles",
      { ...base, organizations: [{ ...validOrganization, mobileNumbers: ["+4722334455"] }] },
      [
        "organizations[0].mobileNumbers[0]: must be a mobile number: +<country code><number>, 00<country code><number> or 8 Norwegian digits",
      ],
    ],
    [
      "an unknown field (likely a typo)",
      { ...base, persons: [{ ...validPerson, reserverd: true }] },
      ['persons[0]: Unrecognized key: "reserverd"'],
    ],
    [
      "a user contact point without any address or resource",
      { ...base, userContactPoints: [{ organizationNumber: "310000019", userId: "1", resources: [] }] },
      [
        "userContactPoints[0].resources: must list at least one resource",
        "userContactPoints[0]: must have an email or a mobileNumber",
      ],
    ],
    [
      "a user id that could not be part of a document id",
      {
        ...base,
        userContactPoints: [
          { organizationNumber: "310000019", userId: "a/b", email: "a@example.com", resources: ["x"] },
        ],
      },
      ["userContactPoints[0].userId: must be 1-64 letters, digits or . _ @ + -"],
    ],
    [
      "a bad external identity",
      { ...base, selfIdentifiedUsers: [{ externalIdentity: "kari" }] },
      [
        "selfIdentifiedUsers[0].externalIdentity: must be urn:altinn:person:idporten-email:<email>, urn:altinn:username:<name>, urn:altinn:person:legacy-selfidentified:<name> or urn:altinn:party:username:<name>",
      ],
    ],
  ])("reports %s", (_case, input, expected) => {
    expect(problemsOf(input)).toEqual(expected);
  });

  it("reports duplicates together with every other problem", () => {
    const problems = problemsOf({
      persons: [validPerson, { nationalIdentityNumber: "1" }, validPerson],
      organizations: [validOrganization, validOrganization],
      userContactPoints: [
        { organizationNumber: "310000019", userId: "7", email: "a@example.com", resources: ["x"] },
        { organizationNumber: "310000019", userId: "7", email: "b@example.com", resources: ["x"] },
        { organizationNumber: "310000027", userId: "7", email: "b@example.com", resources: ["x"] },
      ],
      selfIdentifiedUsers: [
        { externalIdentity: "urn:altinn:username:Kari" },
        { externalIdentity: "urn:altinn:username:kari" },
      ],
    });
    expect(problems).toEqual([
      "persons[1].nationalIdentityNumber: must be 11 digits with valid check digits",
      "persons[2]: duplicates persons[0]",
      "organizations[1]: duplicates organizations[0]",
      "userContactPoints[1]: duplicates userContactPoints[0]",
      "selfIdentifiedUsers[1]: duplicates selfIdentifiedUsers[0]",
    ]);
  });

  it("never quotes the offending values", () => {
    const secret = { nationalIdentityNumber: "12345678901", email: "secret@", mobileNumber: "+4722334455" };
    const problems = problemsOf({ ...base, persons: [secret, secret] }).join("\n");
    expect(problems).not.toMatch(/12345678901|secret|22334455/);
  });
});
