import { z } from "zod";
import {
  isValidEmailAddress,
  isValidExternalIdentity,
  isValidNationalIdentityNumber,
  isValidOrganizationNumber,
  normalizeMobileNumber,
} from "../norwegianIdentifiers";
import { bareResourceId, externalIdentityKey } from "./selection";
import { isRecord, knownKeys } from "../../narrowing";

/**
 * The file format of a contact register copy (docs/registry-format.md): what `npm run registry:import` and
 * the local sample load. Messages name the rule, never the value, so a report can be printed or logged
 * without exposing national identity numbers, phone numbers or emails.
 */

const nationalIdentityNumber = z
  .string()
  .refine(isValidNationalIdentityNumber, "must be 11 digits with valid check digits");
const organizationNumber = z
  .string()
  .refine(isValidOrganizationNumber, "must be 9 digits with a valid check digit");
const email = z.string().refine(isValidEmailAddress, "must be a valid email address");
const mobileNumber = z
  .string()
  .refine(
    (value) => normalizeMobileNumber(value) !== undefined,
    "must be a mobile number: +<country code><number>, 00<country code><number> or 8 Norwegian digits",
  );
const name = z.string().trim().min(1, "must not be empty");
const verifiedAt = z.union(
  [z.iso.datetime({ offset: true }), z.iso.date()],
  "must be an ISO 8601 date or date-time",
);
// Part of document ids: bounded so an id stays within Cosmos DB's 255 characters.
const userId = z.string().regex(/^[\w.@+-]{1,64}$/, "must be 1-64 letters, digits or . _ @ + -");
const resourceId = z.string().trim().min(1, "must not be empty").max(200);
const roles = z
  .array(z.string().trim().min(1, "must not be empty").max(200))
  .min(1, "must list at least one role or access package");

const personSchema = z.strictObject({
  nationalIdentityNumber,
  name: name.optional(),
  email: email.optional(),
  mobileNumber: mobileNumber.optional(),
  reserved: z.boolean().default(false),
  language: z.string().trim().min(2).max(8).optional(),
  emailLastVerified: verifiedAt.optional(),
  mobileNumberLastVerified: verifiedAt.optional(),
});

const organizationSchema = z.strictObject({
  organizationNumber,
  name: name.optional(),
  emails: z.array(email).default([]),
  mobileNumbers: z.array(mobileNumber).default([]),
});

const userContactPointSchema = z
  .strictObject({
    organizationNumber,
    userId,
    nationalIdentityNumber: nationalIdentityNumber.optional(),
    email: email.optional(),
    mobileNumber: mobileNumber.optional(),
    resources: z
      .array(z.string().trim().min(1, "must not be empty"))
      .min(1, "must list at least one resource")
      .optional(),
  })
  .refine((user) => user.email !== undefined || user.mobileNumber !== undefined, {
    message: "must have an email or a mobileNumber",
  });

const selfIdentifiedUserSchema = z.strictObject({
  externalIdentity: z
    .string()
    .refine(
      isValidExternalIdentity,
      "must be urn:altinn:person:idporten-email:<email>, urn:altinn:username:<name>, urn:altinn:person:legacy-selfidentified:<name> or urn:altinn:party:username:<name>",
    ),
  name: name.optional(),
  email: email.optional(),
  mobileNumber: mobileNumber.optional(),
});

const roleAssignmentSchema = z.strictObject({
  organizationNumber,
  userId,
  nationalIdentityNumber: nationalIdentityNumber.optional(),
  roles,
});

const resourcePolicySchema = z.strictObject({
  resourceId,
  // Action names compare without case, as XACML action ids in Altinn's policies.
  actions: z
    .record(
      z
        .string()
        .trim()
        .min(1)
        .max(64)
        .transform((action) => action.toLowerCase()),
      roles,
    )
    .refine((actions) => Object.keys(actions).length > 0, "must name at least one action"),
});

const registryDataSchema = z.strictObject({
  persons: z.array(personSchema),
  organizations: z.array(organizationSchema),
  userContactPoints: z.array(userContactPointSchema),
  selfIdentifiedUsers: z.array(selfIdentifiedUserSchema).optional(),
  roleAssignments: z.array(roleAssignmentSchema).optional(),
  resourcePolicies: z.array(resourcePolicySchema).optional(),
});

/** One entry of each kind, as the streamed format (docs/registry-format.md) writes it on a line. */
export const registryEntrySchemas = {
  person: personSchema,
  organization: organizationSchema,
  userContactPoint: userContactPointSchema,
  selfIdentifiedUser: selfIdentifiedUserSchema,
  roleAssignment: roleAssignmentSchema,
  resourcePolicy: resourcePolicySchema,
} as const;
export type RegistryEntryKind = keyof typeof registryEntrySchemas;
export const registryEntryKinds = knownKeys(registryEntrySchemas);

/** What identifies an entry of each kind: a delta deletes by it. */
export const registryEntryKeySchemas = {
  person: z.strictObject({ nationalIdentityNumber }),
  organization: z.strictObject({ organizationNumber }),
  userContactPoint: z.strictObject({ organizationNumber, userId }),
  selfIdentifiedUser: z.strictObject({ externalIdentity: selfIdentifiedUserSchema.shape.externalIdentity }),
  roleAssignment: z.strictObject({ organizationNumber, userId }),
  resourcePolicy: z.strictObject({ resourceId }),
} as const;

export type RegistryData = z.infer<typeof registryDataSchema>;

/** How each list identifies an entry; two entries with the same key would silently overwrite each other. */
const entryKeys: Record<string, (entry: Record<string, unknown>) => string | undefined> = {
  persons: (e) => text(e["nationalIdentityNumber"]),
  organizations: (e) => text(e["organizationNumber"]),
  userContactPoints: (e) => {
    const org = text(e["organizationNumber"]);
    const user = text(e["userId"]);
    return org && user ? `${org}\u0000${user}` : undefined;
  },
  selfIdentifiedUsers: (e) => {
    const urn = text(e["externalIdentity"]);
    return urn ? externalIdentityKey(urn) : undefined;
  },
  roleAssignments: (e) => {
    const org = text(e["organizationNumber"]);
    const user = text(e["userId"]);
    return org && user ? `${org}\u0000${user}` : undefined;
  },
  resourcePolicies: (e) => {
    const resource = text(e["resourceId"]);
    return resource ? bareResourceId(resource) : undefined;
  },
};

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Duplicate entries, checked on the raw input so they are reported together with every other problem. */
function duplicateProblems(input: unknown): string[] {
  if (!isRecord(input)) return [];
  const problems: string[] = [];
  for (const [list, keyOf] of Object.entries(entryKeys)) {
    const entries = input[list];
    if (!Array.isArray(entries)) continue;
    const firstIndex = new Map<string, number>();
    entries.forEach((entry: unknown, index) => {
      if (!isRecord(entry)) return;
      const key = keyOf(entry);
      if (key === undefined) return;
      const first = firstIndex.get(key);
      if (first === undefined) firstIndex.set(key, index);
      else problems.push(`${list}[${index}]: duplicates ${list}[${first}]`);
    });
  }
  return problems;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) =>
      typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part),
    "",
  );
}

type RegistryValidation = { success: true; data: RegistryData } | { success: false; problems: string[] };

/** Parses a register copy, listing every problem as `path: message`. */
export function validateRegistryData(input: unknown): RegistryValidation {
  const parsed = registryDataSchema.safeParse(input);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => `${pathText(i.path) || "(root)"}: ${i.message}`)),
    ...duplicateProblems(input),
  ];
  if (parsed.success && problems.length === 0) return { success: true, data: parsed.data };
  return { success: false, problems };
}

export class RegistryDataError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid registry data:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "RegistryDataError";
  }
}
