import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosDeadDeliveryReports } from "../../../shared/adapters/cosmos/cosmosDeadDeliveryReports";
import { containers } from "../../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";

let cosmos: TestCosmos;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

const report = (id: string, firstSeen: string) => ({
  id,
  channel: "sms" as const,
  reason: "RETRY_THRESHOLD_EXCEEDED" as const,
  payload: { reference: id },
  firstSeen,
  lastAttempt: firstSeen,
  resolved: false,
});

describe("CosmosDeadDeliveryReports against the embedded Cosmos server", () => {
  it("lists every readable report and sets an unreadable one aside instead of failing the list", async () => {
    const container = (await cosmos.freshDatabase()).container(containers.deadDeliveryReports.name);
    const store = new CosmosDeadDeliveryReports(container);
    for (let i = 0; i < 30; i += 1)
      await store.save(report(`r${i}`, `2026-11-23T10:00:${String(i).padStart(2, "0")}.000Z`));
    await container.items.create({
      ...report("broken", "2026-11-23T09:00:00.000Z"),
      pk: "broken",
      channel: "fax",
    });

    const listed = await store.list(100);
    expect(listed.map((r) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`));
    const { resource } = await container.item("broken", "broken").read();
    expect(resource).toMatchObject({ quarantine: { problem: expect.stringContaining("channel") } });
    expect((await store.list(100)).map((r) => r.id)).not.toContain("broken");
  });

  it("resolves only the version that was read: a report saved again meanwhile stays unresolved", async () => {
    const store = new CosmosDeadDeliveryReports(
      (await cosmos.freshDatabase()).container(containers.deadDeliveryReports.name),
    );
    await store.save(report("again", "2026-11-23T10:00:00.000Z"));
    const [read] = await store.list(10);
    await store.save({
      ...report("again", "2026-11-23T10:00:00.000Z"),
      lastAttempt: "2026-11-23T10:06:00.000Z",
    });
    expect(await store.markResolved(read!)).toBe(false);
    expect(await store.list(10)).toHaveLength(1);
    const [current] = await store.list(10);
    expect(await store.markResolved(current!)).toBe(true);
    expect(await store.list(10)).toEqual([]);
  });
});
