import { createHash } from "node:crypto";
import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { bareResourceId, externalIdentityKey } from "../../domain/contactLookupSelection";
import {
  RegistryDataError,
  validateRegistryData,
  type RegistryData,
} from "../../domain/contactLookupRegistryFormat";
import { AppError } from "../../errors";
import type {
  ContactRegistry,
  OrganizationContact,
  PersonContact,
  SelfIdentifiedUserContact,
  UserContactPoint,
} from "../../ports/contactRegistry";
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
  email: z.string().optional(),
  mobileNumber: z.string().optional(),
  resources: z.array(z.string()),
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
export const organizationDocumentId = (organizationNumber: string) => `org:${organizationNumber}`;
/** The partition holding every user contact point of one organisation. */
export const userContactPointsPartition = (organizationNumber: string) => `orgusers:${organizationNumber}`;
/** Encoded so no user id can put a character Cosmos forbids in ids (`/`, `\`, `?`, `#`) into one. */
export const userContactPointDocumentId = (organizationNumber: string, userId: string) =>
  `${userContactPointsPartition(organizationNumber)}:${encodeURIComponent(userId)}`;
/** Hashed: URNs can hold any character and be long, and the id then never shows the email or username. */
export const selfIdentifiedUserDocumentId = (externalIdentity: string) =>
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
        const querySpec = {
          query:
            "SELECT * FROM c WHERE c.pk = @pk AND c.type = 'userContactPoint' AND (ARRAY_CONTAINS(c.resources, @bare) OR ARRAY_CONTAINS(c.resources, @urn))",
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

export interface RegistryImportCounts {
  persons: number;
  organizations: number;
  userContactPoints: number;
  selfIdentifiedUsers: number;
}

type RegistryDocument =
  | z.infer<typeof personDocumentSchema>
  | z.infer<typeof organizationDocumentSchema>
  | z.infer<typeof userContactPointDocumentSchema>
  | z.infer<typeof selfIdentifiedUserDocumentSchema>;

/** Point-read documents are their own partition: `pk` equals `id`. */
function documentsOf(data: RegistryData): RegistryDocument[] {
  const persons = data.persons.map((person) => {
    const id = personDocumentId(person.nationalIdentityNumber);
    return { id, pk: id, type: "person" as const, ...person };
  });
  const organizations = data.organizations.map((organization) => {
    const id = organizationDocumentId(organization.organizationNumber);
    return { id, pk: id, type: "organization" as const, ...organization };
  });
  const users = data.userContactPoints.map((user) => ({
    id: userContactPointDocumentId(user.organizationNumber, user.userId),
    pk: userContactPointsPartition(user.organizationNumber),
    type: "userContactPoint" as const,
    ...user,
  }));
  const selfIdentified = (data.selfIdentifiedUsers ?? []).map((user) => {
    const id = selfIdentifiedUserDocumentId(user.externalIdentity);
    return { id, pk: id, type: "selfIdentifiedUser" as const, ...user };
  });
  return [...persons, ...organizations, ...users, ...selfIdentified].map((doc) => withoutUndefined(doc));
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
  };
}
