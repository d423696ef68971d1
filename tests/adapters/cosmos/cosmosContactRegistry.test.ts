import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Container } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CosmosContactRegistry,
  personDocumentId,
  upsertRegistryDocuments,
  userContactPointsPartition,
} from "../../../shared/adapters/cosmos/cosmosContactRegistry";
import {
  collectLookupKeys,
  externalIdentityKey,
  resolveRecipientsForOrder,
  type RecipientSpec,
} from "../../../shared/domain/contactLookup/lookup";
import { loadRegistrySnapshot } from "../../../shared/usecases/steps/loadRegistrySnapshot";
import { RegistryDataError } from "../../../shared/domain/contactLookup/registryFormat";
import { isAppError } from "../../../shared/errors";
import {
  importTargetFrom,
  localCosmosEndpoint,
  localCosmosKey,
  runRegistryImport,
} from "../../../shared/local/registryImport";
import sampleRegistry from "../../../shared/local/sampleRegistry.json";
import { containers } from "../../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";

const kari = "15838510075";
const ola = "02879110001";
const reserved = "24926810061";
const eksempelAs = "310000019";
const kommunen = "310000027";

let cosmos: TestCosmos;
let container: Container;
let registry: CosmosContactRegistry;
let workDir: string;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  container = cosmos.database.container(containers.registry.name);
  registry = new CosmosContactRegistry(container);
  await upsertRegistryDocuments(container, sampleRegistry);
  workDir = await mkdtemp(join(tmpdir(), "varsel-registry-"));
});
afterAll(async () => {
  await cosmos.close();
  await rm(workDir, { recursive: true, force: true });
});

async function countDocuments(target: Container): Promise<number> {
  const { resources } = await target.items.query<number>("SELECT VALUE COUNT(1) FROM c").fetchAll();
  return resources[0] ?? 0;
}

describe("CosmosContactRegistry against the embedded Cosmos server", () => {
  it("finds persons by national identity number and leaves unknown ones out", async () => {
    const persons = await registry.findPersons([kari, ola, reserved, "19999999999", kari]);
    expect([...persons.keys()].sort()).toEqual([ola, kari, reserved].sort());
    expect(persons.get(kari)).toEqual({
      nationalIdentityNumber: kari,
      name: "Kari Nordmann",
      email: "kari.nordmann@example.com",
      mobileNumber: "+4799000001",
      reserved: false,
      language: "nb",
    });
    expect(persons.get(ola)).toEqual({
      nationalIdentityNumber: ola,
      name: "Ola Nordmann",
      mobileNumber: "+4741000002",
      reserved: false,
    });
    expect(persons.get(reserved)?.reserved).toBe(true);
  });

  it("reads a batch larger than its parallelism", async () => {
    const many = Array.from({ length: 100 }, (_, i) => `2${String(i).padStart(10, "0")}`);
    const persons = await registry.findPersons([...many, kari]);
    expect([...persons.keys()]).toEqual([kari]);
  });

  it("finds organisations with their official lists", async () => {
    const organizations = await registry.findOrganizations([eksempelAs, kommunen, "399999999"]);
    expect(organizations.get(eksempelAs)).toEqual({
      organizationNumber: eksempelAs,
      name: "Eksempel AS",
      emails: ["post@example.com"],
      mobileNumbers: ["+4799000010"],
    });
    expect(organizations.get(kommunen)?.mobileNumbers).toEqual([]);
    expect(organizations.has("399999999")).toBe(false);
  });

  it.each([
    ["urn:altinn:resource:sample-service", ["20001", "20002", "20003"]],
    ["sample-service", ["20001", "20002", "20003"]],
    ["urn:altinn:resource:other-service", ["20004"]],
    ["urn:altinn:resource:nobody-registered", []],
    ["", []],
  ])("finds the user contact points registered for %j", async (resourceId, userIds) => {
    const users = await registry.findUserContactPoints([eksempelAs, kommunen], resourceId);
    expect(users.map((u) => u.userId).sort()).toEqual(userIds);
    for (const user of users) expect(user.organizationNumber).toBe(eksempelAs);
  });

  it("keeps an organisation's user contact points and role assignments in one partition", async () => {
    const { resources } = await container.items
      .query({
        query: "SELECT c.id, c.type FROM c WHERE c.pk = @pk",
        parameters: [{ name: "@pk", value: userContactPointsPartition(eksempelAs) }],
      })
      .fetchAll();
    expect(resources).toHaveLength(8);
    expect(new Set(resources.map((r: { type: string }) => r.type))).toEqual(
      new Set(["userContactPoint", "roleAssignment"]),
    );
  });

  it("stores a person under a deterministic id that is its own partition", async () => {
    const { resource } = await container.item(personDocumentId(kari), personDocumentId(kari)).read();
    expect(resource).toMatchObject({ id: `person:${kari}`, pk: `person:${kari}`, type: "person" });
  });

  it("finds self-identified users case-insensitively, keyed by the lower-case URN", async () => {
    const users = await registry.findSelfIdentifiedUsers([
      "urn:altinn:username:TestBruker",
      "urn:altinn:person:idporten-email:selvid@example.com",
      "urn:altinn:username:nobody",
    ]);
    expect([...users.keys()].sort()).toEqual([
      "urn:altinn:party:username:testbruker",
      "urn:altinn:person:idporten-email:selvid@example.com",
    ]);
    expect(users.get("urn:altinn:party:username:testbruker")).toEqual({
      externalIdentity: "urn:altinn:username:testbruker",
      name: "Test Bruker",
      mobileNumber: "+4741000020",
    });
  });

  it("finds a username under each of Altinn's three prefixes (ExternalIdentityUrn)", async () => {
    for (const urn of [
      "urn:altinn:person:legacy-selfidentified:testbruker",
      "urn:altinn:party:username:TESTBRUKER",
      "urn:altinn:username:testbruker",
    ]) {
      const users = await registry.findSelfIdentifiedUsers([urn]);
      expect(users.get(externalIdentityKey(urn))?.mobileNumber).toBe("+4741000020");
    }
    const other = await registry.findSelfIdentifiedUsers(["urn:altinn:person:idporten-email:testbruker"]);
    expect(other.size).toBe(0);
  });

  it("upserts idempotently: a second import leaves one document per entry", async () => {
    const fresh = (await cosmos.freshDatabase()).container(containers.registry.name);
    const counts = await upsertRegistryDocuments(fresh, sampleRegistry);
    expect(counts).toEqual({
      persons: 5,
      organizations: 3,
      userContactPoints: 4,
      selfIdentifiedUsers: 2,
      roleAssignments: 4,
      resourcePolicies: 2,
    });
    await upsertRegistryDocuments(fresh, sampleRegistry);
    expect(await countDocuments(fresh)).toBe(5 + 3 + 4 + 2 + 4 + 2);
  });

  it("rejects invalid input with every problem and writes nothing", async () => {
    const fresh = (await cosmos.freshDatabase()).container(containers.registry.name);
    const bad = { ...sampleRegistry, persons: [{ nationalIdentityNumber: "1" }], organizations: [{}] };
    const error = await upsertRegistryDocuments(fresh, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryDataError);
    expect((error as RegistryDataError).problems).toHaveLength(2);
    expect(await countDocuments(fresh)).toBe(0);
  });

  it("refuses a stored document that does not parse, without naming the person", async () => {
    const broken = "12345678903";
    const id = personDocumentId(broken);
    await container.items.upsert({
      id,
      pk: id,
      type: "person",
      nationalIdentityNumber: broken,
      reserved: "no",
    });
    const error = await registry.findPersons([broken]).catch((e: unknown) => e);
    expect(isAppError(error, "permanent")).toBe(true);
    expect((error as Error).message).toContain("reserved");
    expect((error as Error).message).not.toContain(broken);
  });

  it("feeds contact lookup end to end: sample organisation at processing", async () => {
    const specs: RecipientSpec[] = [
      {
        kind: "organization",
        organizationNumber: eksempelAs,
        channel: "EmailPreferred",
        resourceId: "urn:altinn:resource:sample-service",
      },
      {
        kind: "person",
        nationalIdentityNumber: reserved,
        channel: "EmailPreferred",
        ignoreReservation: false,
      },
      { kind: "person", nationalIdentityNumber: "11840210040", channel: "Sms", ignoreReservation: false },
    ];
    const snapshot = await loadRegistrySnapshot(registry, collectLookupKeys(specs, "processing"));
    const rows = resolveRecipientsForOrder(specs, snapshot, "processing");
    expect(rows.map((r) => [r.channel, r.status, r.address])).toEqual([
      ["email", "New", "post@example.com"],
      ["email", "New", "lise.leder@example.com"],
      ["sms", "New", "+4741000011"],
      // User 20003's email duplicates the official one, so EmailPreferred falls back to the user's mobile.
      ["sms", "New", "+4799000012"],
      ["email", "Failed_RecipientReserved", undefined],
      // The sample stores "41000005"; lookup normalises it.
      ["sms", "New", "+4741000005"],
    ]);
  });
});

describe("registry import CLI", () => {
  function capture() {
    const lines = { info: [] as string[], error: [] as string[] };
    return {
      lines,
      out: { info: (l: string) => lines.info.push(l), error: (l: string) => lines.error.push(l) },
    };
  }
  const envFor = (databaseId: string) => ({
    COSMOS_ENDPOINT: cosmos.server.endpoint,
    COSMOS_KEY: cosmos.server.key,
    COSMOS_DATABASE: databaseId,
  });
  /** Every identifier, phone number and email in the sample: none may appear in the output. */
  const personalData = JSON.stringify(sampleRegistry).match(/\d{8,11}|[\w.+-]+@[\w.-]+/g) ?? [];

  it("imports a file into the configured database and prints counts only", async () => {
    const database = await cosmos.freshDatabase();
    const file = join(workDir, "registry.json");
    await writeFile(file, JSON.stringify(sampleRegistry));
    const { lines, out } = capture();
    expect(await runRegistryImport([file], envFor(database.id), out)).toBe(0);
    expect(lines.error).toEqual([]);
    expect(lines.info).toEqual([
      `imported into ${database.id}/registry: snapshot of file: wrote 5 persons, 3 organizations, 4 user contact points, 2 self-identified users, 4 role assignments, 2 resource policies; removed nothing`,
    ]);
    expect(personalData.length).toBeGreaterThan(10);
    for (const value of personalData) expect(lines.info.join("\n")).not.toContain(value);
    const persons = await new CosmosContactRegistry(database.container("registry")).findPersons([kari]);
    expect(persons.get(kari)?.name).toBe("Kari Nordmann");
  });

  it("lists every problem of a bad file and exits non-zero without writing", async () => {
    const database = await cosmos.freshDatabase();
    const file = join(workDir, "bad.json");
    const bad = {
      persons: [{ nationalIdentityNumber: "15838510076", email: "kari@" }],
      organizations: [],
      userContactPoints: [{ organizationNumber: "310000019", userId: "1", resources: ["x"] }],
    };
    await writeFile(file, JSON.stringify(bad));
    const { lines, out } = capture();
    expect(await runRegistryImport([file], envFor(database.id), out)).toBe(1);
    expect(lines.error).toEqual([
      `${file}: 3 problem(s)`,
      "  - persons[0].nationalIdentityNumber: must be 11 digits with valid check digits",
      "  - persons[0].email: must be a valid email address",
      "  - userContactPoints[0]: must have an email or a mobileNumber",
    ]);
    expect(lines.error.join("\n")).not.toMatch(/15838510076|kari@/);
    expect(await countDocuments(database.container("registry"))).toBe(0);
  });

  it("reports a file that is not JSON without quoting it", async () => {
    const file = join(workDir, "broken.json");
    await writeFile(file, '{"persons": [{"nationalIdentityNumber": 15838510075,}]');
    const { lines, out } = capture();
    expect(await runRegistryImport([file], envFor("unused"), out)).toBe(1);
    expect(lines.error).toEqual([`${file} is not valid JSON`]);
  });

  it("reports a missing file and a missing argument", async () => {
    const { lines, out } = capture();
    expect(await runRegistryImport([join(workDir, "absent.json")], envFor("unused"), out)).toBe(1);
    expect(lines.error[0]).toMatch(/cannot read .*absent\.json \(ENOENT\)/);
    expect(await runRegistryImport([], envFor("unused"), out)).toBe(2);
    expect(lines.error[1]).toMatch(/^usage: npm run registry:import -- FILE/);
  });

  it("reports a database that does not exist", async () => {
    const file = join(workDir, "registry.json");
    await writeFile(file, JSON.stringify(sampleRegistry));
    const { lines, out } = capture();
    expect(await runRegistryImport([file], envFor("no-such-database"), out)).toBe(1);
    expect(lines.error).toEqual([
      "import failed: registry import: upsert: not found",
      "does database no-such-database exist?",
    ]);
  });
});

describe("importTargetFrom (the service's Cosmos settings)", () => {
  it.each([
    [{}, { endpoint: localCosmosEndpoint, key: localCosmosKey, database: "varsel" }],
    [
      { COSMOS_ENDPOINT: "", COSMOS_KEY: "", COSMOS_DATABASE: "" },
      { endpoint: localCosmosEndpoint, key: localCosmosKey, database: "varsel" },
    ],
    [
      { COSMOS_ENDPOINT: "https://acct.documents.azure.com:443/", COSMOS_DATABASE: "prod" },
      { endpoint: "https://acct.documents.azure.com:443/", key: undefined, database: "prod" },
    ],
    [
      { COSMOS_ENDPOINT: "https://acct.documents.azure.com:443/", COSMOS_KEY: "k" },
      { endpoint: "https://acct.documents.azure.com:443/", key: "k", database: "varsel" },
    ],
  ])("%j", (env, expected) => {
    expect(importTargetFrom(env)).toEqual(expected);
  });

  it("rejects an endpoint that is not an http(s) URL", () => {
    expect(() => importTargetFrom({ COSMOS_ENDPOINT: "acct.documents.azure.com" })).toThrow(
      "COSMOS_ENDPOINT must be an http(s) URL",
    );
  });
});
