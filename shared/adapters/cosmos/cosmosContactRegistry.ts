import { createHash } from "node:crypto";
import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { bareResourceId, externalIdentityKey } from "../../domain/contactLookup/selection";
import {
  RegistryDataError,
  validateRegistryData,
  type RegistryData,
  type RegistryEntryKind,
  type registryEntrySchemas,
} from "../../domain/contactLookup/registryFormat";
import { AppError } from "../../errors";
import type { ContactRegistry } from "../../ports/contactRegistry";
import type {
  OrganizationContact,
  PersonContact,
  ResourcePolicy,
  RoleAssignment,
  SelfIdentifiedUserContact,
  UserContactPoint,
} from "../../domain/contactLookup/contacts";
import { readMany } from "./bulk";
import { mapCosmosError } from "./errors";
import { mapInParallel } from "../../concurrency";

/**
 * The contact register copies in the `registry` container (partition key `/pk`). Every document's id and
 * partition key derive from what it is looked up by, so persons, organisations and self-identified users are
 * point reads (1 RU each) and all user contact points of one organisation share a partition: one
 * single-partition query. Batches of lookups are point reads, 100 to a bulk request.
 */

const personDocumentSchema = z.object({
  id: z.string(),
  pk: z.string(),
  type: z.literal("person"),
  nationalIdentityNumber: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  mobileNumber: z.string().optional(),
  reserved: z.boolean(),
  language: z.string().optional(),
  emailLastVerified: z.string().optional(),
  mobileNumberLastVerified: z.string().optional(),
});

const organizationDocumentSchema = z.object({
  id: z.string(),
  pk: z.string(),
  type: z.literal("organization"),
  organizationNumber: z.string(),
  name: z.string().optional(),
  emails: z.array(z.string()),
  mobileNumbers: z.array(z.string()),
});

const userContactPointDocumentSchema = z.object({
  id: z.string(),
  pk: z.string(),
  type: z.literal("userContactPoint"),
  organizationNumber: z.string(),
  userId: z.string(),
  nationalIdentityNumber: z.string().optional(),
  email: z.string().optional(),
  mobileNumber: z.string().optional(),
  resources: z.array(z.string()).optional(),
});

const roleAssignmentDocumentSchema = z.object({
  id: z.string(),
  pk: z.string(),
  type: z.literal("roleAssignment"),
  organizationNumber: z.string(),
  userId: z.string(),
  nationalIdentityNumber: z.string().optional(),
  roles: z.array(z.string()),
});

const resourcePolicyDocumentSchema = z.object({
  id: z.string(),
  pk: z.string(),
  type: z.literal("resourcePolicy"),
  resourceId: z.string(),
  actions: z.record(z.string(), z.array(z.string())),
});

const selfIdentifiedUserDocumentSchema = z.object({
  id: z.string(),
  pk: z.string(),
  type: z.literal("selfIdentifiedUser"),
  externalIdentity: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  mobileNumber: z.string().optional(),
});

export const personDocumentId = (nationalIdentityNumber: string) => `person:${nationalIdentityNumber}`;
const organizationDocumentId = (organizationNumber: string) => `org:${organizationNumber}`;
/** The partition holding every user contact point of one organisation. */
export const userContactPointsPartition = (organizationNumber: string) => `orgusers:${organizationNumber}`;
/** Encoded so no user id can put a character Cosmos forbids in ids (`/`, `\`, `?`, `#`) into one. */
const userContactPointDocumentId = (organizationNumber: string, userId: string) =>
  `${userContactPointsPartition(organizationNumber)}:${encodeURIComponent(userId)}`;
/** Role assignments live beside the user contact points of their organisation: one query reads both. */
const roleAssignmentDocumentId = (organizationNumber: string, userId: string) =>
  `orgroles:${organizationNumber}:${encodeURIComponent(userId)}`;
/** Encoded: resource ids are chosen by service owners and may hold characters Cosmos forbids in ids. */
const resourcePolicyDocumentId = (resourceId: string) =>
  `resource:${encodeURIComponent(bareResourceId(resourceId))}`;
/** Hashed: URNs can hold any character and be long, and the id then never shows the email or username. */
const selfIdentifiedUserDocumentId = (externalIdentity: string) =>
  `selfidentified:${createHash("sha256").update(externalIdentityKey(externalIdentity)).digest("hex")}`;

/** Parallel point reads/writes per call: keeps one order's batch fast without flooding the account. */
const concurrency = 32;

/** Parses a stored document; the error names the document type and fields, never the values or the id. */
function parseDocument<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
  throw new AppError("permanent", `registry: a stored ${what} document is invalid (${fields})`);
}

/** Documents of the registry's one-document partitions (id = partition key), 100 per request. */
async function readDocuments<T>(
  container: Container,
  ids: string[],
  schema: z.ZodType<T>,
  what: string,
): Promise<T[]> {
  const found = await readMany(
    container,
    ids.map((id) => ({ id, partitionKey: id })),
    `registry: read ${what}s`,
  );
  return found.map((raw) => parseDocument(schema, raw, what));
}

function withoutUndefined<T extends object>(value: T): T {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- dropping undefined keeps T, no type says so
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export class CosmosContactRegistry implements ContactRegistry {
  constructor(private readonly container: Container) {}

  async findPersons(nationalIdentityNumbers: string[]): Promise<Map<string, PersonContact>> {
    const found = await readDocuments(
      this.container,
      [...new Set(nationalIdentityNumbers)].map((nin) => personDocumentId(nin)),
      personDocumentSchema,
      "person",
    );
    const persons = new Map<string, PersonContact>();
    for (const doc of found) {
      const { id: _id, pk: _pk, type: _type, ...person } = doc;
      persons.set(doc.nationalIdentityNumber, withoutUndefined(person));
    }
    return persons;
  }

  async findOrganizations(organizationNumbers: string[]): Promise<Map<string, OrganizationContact>> {
    const found = await readDocuments(
      this.container,
      [...new Set(organizationNumbers)].map((orgnr) => organizationDocumentId(orgnr)),
      organizationDocumentSchema,
      "organization",
    );
    const organizations = new Map<string, OrganizationContact>();
    for (const doc of found) {
      const { id: _id, pk: _pk, type: _type, ...organization } = doc;
      organizations.set(doc.organizationNumber, withoutUndefined(organization));
    }
    return organizations;
  }

  async findUserContactPoints(
    organizationNumbers: string[],
    resourceId: string,
  ): Promise<UserContactPoint[]> {
    const bare = bareResourceId(resourceId);
    if (bare === "") return [];
    const perOrganization = await mapInParallel(
      [...new Set(organizationNumbers)],
      concurrency,
      async (orgnr) => {
        const partitionKey = userContactPointsPartition(orgnr);
        // Users may have registered either form of the resource id; both are matched. The `pk` condition
        // repeats the partition key because the embedded server does not scope queries by it.
        // A user without a resource list hears about every resource their roles allow.
        const querySpec = {
          query:
            "SELECT * FROM c WHERE c.pk = @pk AND c.type = 'userContactPoint' AND (NOT IS_DEFINED(c.resources) OR ARRAY_CONTAINS(c.resources, @bare) OR ARRAY_CONTAINS(c.resources, @urn))",
          parameters: [
            { name: "@pk", value: partitionKey },
            { name: "@bare", value: bare },
            { name: "@urn", value: `urn:altinn:resource:${bare}` },
          ],
        };
        let resources: unknown[];
        try {
          ({ resources } = await this.container.items.query(querySpec, { partitionKey }).fetchAll());
        } catch (error) {
          throw mapCosmosError(error, "registry: query user contact points");
        }
        return resources.map((raw) => {
          const {
            id: _id,
            pk: _pk,
            type: _type,
            ...user
          } = parseDocument(userContactPointDocumentSchema, raw, "user contact point");
          return withoutUndefined(user);
        });
      },
    );
    return perOrganization.flat();
  }

  async findRoleAssignments(organizationNumbers: string[]): Promise<RoleAssignment[]> {
    const perOrganization = await mapInParallel(
      [...new Set(organizationNumbers)],
      concurrency,
      async (orgnr) => {
        const partitionKey = userContactPointsPartition(orgnr);
        const querySpec = {
          query: "SELECT * FROM c WHERE c.pk = @pk AND c.type = 'roleAssignment'",
          parameters: [{ name: "@pk", value: partitionKey }],
        };
        let resources: unknown[];
        try {
          ({ resources } = await this.container.items.query(querySpec, { partitionKey }).fetchAll());
        } catch (error) {
          throw mapCosmosError(error, "registry: query role assignments");
        }
        return resources.map((raw) => {
          const {
            id: _id,
            pk: _pk,
            type: _type,
            ...assignment
          } = parseDocument(roleAssignmentDocumentSchema, raw, "role assignment");
          return withoutUndefined(assignment);
        });
      },
    );
    return perOrganization.flat();
  }

  async findResourcePolicies(resourceIds: string[]): Promise<Map<string, ResourcePolicy>> {
    const ids = [...new Set(resourceIds.map(resourcePolicyDocumentId))];
    const found = await readDocuments(this.container, ids, resourcePolicyDocumentSchema, "resource policy");
    return new Map(
      found.map(({ resourceId, actions }) => [bareResourceId(resourceId), { resourceId, actions }]),
    );
  }

  async findSelfIdentifiedUsers(
    externalIdentities: string[],
  ): Promise<Map<string, SelfIdentifiedUserContact>> {
    const keys = [...new Set(externalIdentities.map(externalIdentityKey))];
    const found = await readDocuments(
      this.container,
      keys.map((key) => selfIdentifiedUserDocumentId(key)),
      selfIdentifiedUserDocumentSchema,
      "self-identified user",
    );
    const users = new Map<string, SelfIdentifiedUserContact>();
    for (const doc of found) {
      const { id: _id, pk: _pk, type: _type, ...user } = doc;
      users.set(externalIdentityKey(doc.externalIdentity), withoutUndefined(user));
    }
    return users;
  }
}

interface RegistryImportCounts {
  persons: number;
  organizations: number;
  userContactPoints: number;
  selfIdentifiedUsers: number;
  roleAssignments: number;
  resourcePolicies: number;
}

type EntryOf<K extends RegistryEntryKind> = z.output<(typeof registryEntrySchemas)[K]>;

/** Where an entry of each kind is stored: point-read documents are their own partition (`pk` equals `id`). */
export const registryDocumentLocation: {
  [K in RegistryEntryKind]: (key: EntryOf<K>) => { id: string; pk: string };
} = {
  person: (p) => ({
    id: personDocumentId(p.nationalIdentityNumber),
    pk: personDocumentId(p.nationalIdentityNumber),
  }),
  organization: (o) => ({
    id: organizationDocumentId(o.organizationNumber),
    pk: organizationDocumentId(o.organizationNumber),
  }),
  userContactPoint: (u) => ({
    id: userContactPointDocumentId(u.organizationNumber, u.userId),
    pk: userContactPointsPartition(u.organizationNumber),
  }),
  selfIdentifiedUser: (u) => ({
    id: selfIdentifiedUserDocumentId(u.externalIdentity),
    pk: selfIdentifiedUserDocumentId(u.externalIdentity),
  }),
  roleAssignment: (a) => ({
    id: roleAssignmentDocumentId(a.organizationNumber, a.userId),
    pk: userContactPointsPartition(a.organizationNumber),
  }),
  resourcePolicy: (p) => ({
    id: resourcePolicyDocumentId(p.resourceId),
    pk: resourcePolicyDocumentId(p.resourceId),
  }),
};

/** The stored document of one register entry: its location, its kind as `type`, and its fields. */
export function registryDocumentOf<K extends RegistryEntryKind>(
  kind: K,
  entry: EntryOf<K>,
): Record<string, unknown> & { id: string; pk: string; type: K } {
  // A resource policy is stored under the bare resource id, as orders name it either way.
  const resource = "resourceId" in entry ? { resourceId: bareResourceId(entry.resourceId) } : {};
  return withoutUndefined({ ...registryDocumentLocation[kind](entry), type: kind, ...entry, ...resource });
}

function documentsOf(data: RegistryData): Array<Record<string, unknown> & { type: string }> {
  return [
    ...data.persons.map((e) => registryDocumentOf("person", e)),
    ...data.organizations.map((e) => registryDocumentOf("organization", e)),
    ...data.userContactPoints.map((e) => registryDocumentOf("userContactPoint", e)),
    ...(data.selfIdentifiedUsers ?? []).map((e) => registryDocumentOf("selfIdentifiedUser", e)),
    ...(data.roleAssignments ?? []).map((e) => registryDocumentOf("roleAssignment", e)),
    ...(data.resourcePolicies ?? []).map((e) => registryDocumentOf("resourcePolicy", e)),
  ];
}

/**
 * Validates a register copy in the documented format (throwing `RegistryDataError` with every problem) and
 * upserts it. Upserts only: entries missing from the input stay in the container.
 */
export async function upsertRegistryDocuments(
  container: Container,
  input: unknown,
): Promise<RegistryImportCounts> {
  const validation = validateRegistryData(input);
  if (!validation.success) throw new RegistryDataError(validation.problems);
  const data = validation.data;
  await mapInParallel(documentsOf(data), concurrency, async (doc) => {
    try {
      await container.items.upsert(doc);
    } catch (error) {
      throw mapCosmosError(error, `registry: upsert ${doc.type}`);
    }
  });
  return {
    persons: data.persons.length,
    organizations: data.organizations.length,
    userContactPoints: data.userContactPoints.length,
    selfIdentifiedUsers: data.selfIdentifiedUsers?.length ?? 0,
    roleAssignments: data.roleAssignments?.length ?? 0,
    resourcePolicies: data.resourcePolicies?.length ?? 0,
  };
}
