import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosSendPacer } from "../../../shared/adapters/cosmos/cosmosSendPacer";
import type { BucketLimit } from "../../../shared/domain/tokenBucket";
import { containers } from "../../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";

let cosmos: TestCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

const acsLimit: BucketLimit = { perSecond: 50, burst: 100, bulkReserve: 10 };
const acs = { provider: "acs" as const, key: "acs:example.no" };
const t0 = new Date("2026-12-04T10:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

async function freshPacer(limits = { acs: acsLimit, link: undefined }) {
  const container = (await cosmos.freshDatabase()).container(containers.rateBuckets.name);
  return { container, pacer: new CosmosSendPacer(container, limits) };
}

describe("CosmosSendPacer against the embedded Cosmos server", () => {
  it("instances taking at once never get more than the bucket holds, however they race", async () => {
    const { pacer } = await freshPacer();
    const grants = await Promise.all(Array.from({ length: 12 }, () => pacer.take(acs, 20, "bulk", t0)));
    // All but the reserve of 10 that bulk sends leave to priority sends.
    expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(90);
    // Those left without tokens are told to come back at different times.
    const retries = grants.filter((g) => g.granted < 20).map((g) => g.retryAt?.getTime());
    expect(new Set(retries).size).toBe(retries.length);
    expect((await pacer.take(acs, 100, "bulk", at(1_000))).granted).toBe(50);
  });

  it("a pause is kept in the bucket: every instance holds its sends until it ends", async () => {
    const { pacer, container } = await freshPacer();
    await pacer.pause(acs, at(30_000), t0);
    const other = new CosmosSendPacer(container, { acs: acsLimit, link: undefined });
    const during = await other.take(acs, 1, "priority", at(10_000));
    expect(during.granted).toBe(0);
    expect(during.retryAt!.getTime()).toBeGreaterThanOrEqual(at(30_000).getTime());
    expect((await other.take(acs, 1, "priority", at(31_000))).granted).toBe(1);
    const { resource } = await container.item(acs.key, acs.key).read();
    expect(resource).toMatchObject({ id: "acs:example.no", pausedUntil: at(30_000).toISOString() });
  });

  it("a provider without pacing grants everything and stores nothing", async () => {
    const { pacer, container } = await freshPacer();
    const link = { provider: "link" as const, key: "link" };
    expect(await pacer.take(link, 1000, "bulk", t0)).toEqual({ granted: 1000 });
    await pacer.pause(link, at(60_000), t0);
    const { statusCode } = await container.item(link.key, link.key).read();
    expect(statusCode).toBe(404);
  });

  it("an unreadable bucket is started afresh instead of stopping every send", async () => {
    const { pacer, container } = await freshPacer();
    await container.items.create({ id: acs.key, tokens: "many" });
    expect((await pacer.take(acs, 5, "priority", t0)).granted).toBe(5);
  });
});
