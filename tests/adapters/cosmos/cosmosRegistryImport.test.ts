import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Container } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosContactRegistry } from "../../../shared/adapters/cosmos/cosmosContactRegistry";
import { collectLookupKeys, resolveRecipientsForOrder } from "../../../shared/domain/contactLookup/lookup";
import { loadRegistrySnapshot } from "../../../shared/usecases/steps/loadRegistrySnapshot";
import { embeddedCosmosKey } from "../../../shared/local/embeddedCosmos";
import { runRegistryImport } from "../../../shared/local/registryImport";
import sampleRegistry from "../../../shared/local/sampleRegistry.json";
import { containers } from "../../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";

const kari = "15838510075";
const ola = "02879110001";
const nils = "11840210040";
const eksempelAs = "310000019";

let cosmos: TestCosmos;
let workDir: string;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  workDir = await mkdtemp(join(tmpdir(), "varsel-registry-import-"));
});
afterAll(async () => {
  await cosmos.close();
  await rm(workDir, { recursive: true, force: true });
});

function capture() {
  const lines = { info: [] as string[], error: [] as string[] };
  return {
    lines,
    out: { info: (l: string) => lines.info.push(l), error: (l: string) => lines.error.push(l) },
  };
}

async function importFile(databaseId: string, name: string, content: string) {
  const file = join(workDir, name);
  await writeFile(file, content);
  const { lines, out } = capture();
  const code = await runRegistryImport(
    [file],
    { COSMOS_ENDPOINT: cosmos.server.endpoint, COSMOS_KEY: embeddedCosmosKey, COSMOS_DATABASE: databaseId },
    out,
  );
  return { code, lines };
}

const ndjson = (...lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
const header = (kind: "snapshot" | "delta", extra: Record<string, unknown> = {}) => ({
  format: "varsel-registry",
  version: 1,
  kind,
  source: "krr",
  ...extra,
});

async function fresh(): Promise<{ id: string; container: Container; registry: CosmosContactRegistry }> {
  const database = await cosmos.freshDatabase();
  const container = database.container(containers.registry.name);
  return { id: database.id, container, registry: new CosmosContactRegistry(container) };
}

describe("register snapshots: whatever the snapshot does not list is removed", () => {
  it("removes a person, an address and a user contact point that left the source, and keeps kinds it does not cover", async () => {
    const db = await fresh();
    expect((await importFile(db.id, "full.json", JSON.stringify(sampleRegistry))).code).toBe(0);
    const { selfIdentifiedUsers: _kept, ...withoutSelfIdentified } = sampleRegistry;
    const smaller = {
      ...withoutSelfIdentified,
      persons: sampleRegistry.persons.filter((p) => p.nationalIdentityNumber !== ola),
      organizations: sampleRegistry.organizations.map((o) =>
        o.organizationNumber === eksempelAs ? { ...o, mobileNumbers: [] } : o,
      ),
      userContactPoints: sampleRegistry.userContactPoints.filter((u) => u.userId !== "20001"),
    };
    const { code, lines } = await importFile(db.id, "smaller.json", JSON.stringify(smaller));
    expect(code).toBe(0);
    expect(lines.info[0]).toMatch(/removed 1 persons, 1 user contact points$/);
    expect((await db.registry.findPersons([kari, ola])).has(ola)).toBe(false);
    expect((await db.registry.findOrganizations([eksempelAs])).get(eksempelAs)?.mobileNumbers).toEqual([]);
    const users = await db.registry.findUserContactPoints([eksempelAs], "sample-service");
    expect(users.map((u) => u.userId).sort()).toEqual(["20002", "20003"]);
    expect((await db.registry.findSelfIdentifiedUsers(["urn:altinn:username:testbruker"])).size).toBe(1);
  });

  it("streams a snapshot of one kind, then applies deltas once, in order, and refuses an older snapshot", async () => {
    const db = await fresh();
    const persons = [
      { person: { nationalIdentityNumber: kari, email: "kari@example.com" } },
      { person: { nationalIdentityNumber: ola, mobileNumber: "+4741000002" } },
      { person: { nationalIdentityNumber: nils, email: "nils@example.com" } },
    ];
    const snapshot = await importFile(
      db.id,
      "krr.ndjson",
      ndjson(header("snapshot", { sequence: 100, covers: ["person"] }), ...persons),
    );
    expect(snapshot).toMatchObject({ code: 0, lines: { info: [expect.stringMatching(/wrote 3 persons/)] } });

    const delta = ndjson(
      header("delta"),
      { sequence: 99, person: { nationalIdentityNumber: kari, email: "old@example.com" } },
      { sequence: 101, person: { nationalIdentityNumber: kari, email: "kari.new@example.com" } },
      { sequence: 102, delete: { person: { nationalIdentityNumber: ola } } },
      { sequence: 103, person: { nationalIdentityNumber: nils, email: "nils@example.com", reserved: true } },
    );
    const first = await importFile(db.id, "delta.ndjson", delta);
    expect(first.lines.info[0]).toMatch(/wrote 2 persons; removed 1 persons; 1 change\(s\) applied before$/);
    const found = await db.registry.findPersons([kari, ola, nils]);
    expect(found.get(kari)?.email).toBe("kari.new@example.com");
    expect(found.has(ola)).toBe(false);
    expect(found.get(nils)?.reserved).toBe(true);

    const again = await importFile(db.id, "delta.ndjson", delta);
    expect(again.lines.info[0]).toMatch(/wrote nothing; removed nothing; 4 change\(s\) applied before$/);

    const older = await importFile(
      db.id,
      "old.ndjson",
      ndjson(header("snapshot", { sequence: 50, covers: ["person"] }), ...persons),
    );
    expect(older.code).toBe(1);
    expect(older.lines.error[0]).toMatch(/older than change 103/);
  });

  it("removes a user from the next order once a delta revokes the role", async () => {
    const db = await fresh();
    await importFile(db.id, "full.json", JSON.stringify(sampleRegistry));
    const order = [
      {
        kind: "organization" as const,
        organizationNumber: eksempelAs,
        channel: "Email" as const,
        resourceId: "urn:altinn:resource:sample-service",
      },
    ];
    const lookup = async () =>
      resolveRecipientsForOrder(
        order,
        await loadRegistrySnapshot(db.registry, collectLookupKeys(order, "processing")),
        "processing",
      ).map((r) => r.address);
    expect(await lookup()).toContain("lise.leder@example.com");
    const revoke = ndjson(
      { ...header("delta"), source: "altinn-authorization" },
      { sequence: 1, delete: { roleAssignment: { organizationNumber: eksempelAs, userId: "20001" } } },
    );
    expect((await importFile(db.id, "revoke.ndjson", revoke)).code).toBe(0);
    expect(await lookup()).not.toContain("lise.leder@example.com");
  });

  it("validates every line before writing anything, naming lines and rules, never values", async () => {
    const db = await fresh();
    const { code, lines } = await importFile(
      db.id,
      "bad.ndjson",
      ndjson(
        header("snapshot", { covers: ["person"] }),
        { person: { nationalIdentityNumber: "15838510076", email: "kari@" } },
        { organization: { organizationNumber: eksempelAs } },
        { person: { nationalIdentityNumber: kari } },
      ) + "{not json\n",
    );
    expect(code).toBe(1);
    expect(lines.error).toEqual([
      expect.stringMatching(/4 problem\(s\)$/),
      "  - line 2: person.nationalIdentityNumber: must be 11 digits with valid check digits",
      "  - line 2: person.email: must be a valid email address",
      "  - line 3: organization is not among the kinds the header covers",
      "  - line 5: not valid JSON",
    ]);
    expect(lines.error.join("\n")).not.toMatch(/15838510076|kari@|310000019/);
    const { resources } = await db.container.items.query("SELECT * FROM c").fetchAll();
    expect(resources).toEqual([]);
  });
});
