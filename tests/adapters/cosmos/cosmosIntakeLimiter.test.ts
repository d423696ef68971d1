import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosIntakeLimiter } from "../../../shared/adapters/cosmos/cosmosIntakeLimiter";
import { CosmosNotificationQuota } from "../../../shared/adapters/cosmos/cosmosNotificationQuota";
import { containers } from "../../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";

let cosmos: TestCosmos;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

const limits = { requestsPerSecond: 20, burst: 40, monthlyNotifications: 0 };

async function admitted(limiters: CosmosIntakeLimiter[], tenant: string, requests: number, now: Date) {
  const answers = await Promise.all(
    Array.from({ length: requests }, (_, i) => limiters[i % limiters.length]!.admit(tenant, limits, now)),
  );
  return answers.filter((a) => a.allowed).length;
}

describe("CosmosIntakeLimiter against the embedded Cosmos server", () => {
  it("holds an organisation to its burst and rate across three instances, within one lease per instance", async () => {
    const container = (await cosmos.freshDatabase()).container(containers.rateBuckets.name);
    const instances = [1, 2, 3].map(() => new CosmosIntakeLimiter(container));
    const start = new Date("2026-12-04T10:00:00.000Z");
    const lease = limits.requestsPerSecond / 10;

    const first = await admitted(instances, "991825827", 200, start);
    expect(first).toBeLessThanOrEqual(limits.burst);
    expect(first).toBeGreaterThanOrEqual(limits.burst - instances.length * lease);

    // Two seconds later the bucket has refilled by 40 tokens; leases from before have expired.
    const later = await admitted(instances, "991825827", 200, new Date(start.getTime() + 2_000));
    expect(later).toBeLessThanOrEqual(2 * limits.requestsPerSecond);
    expect(later).toBeGreaterThanOrEqual(2 * limits.requestsPerSecond - instances.length * lease);
  });

  it("tells a refused request when to come back, and keeps organisations apart", async () => {
    const container = (await cosmos.freshDatabase()).container(containers.rateBuckets.name);
    const limiter = new CosmosIntakeLimiter(container);
    const now = new Date("2026-12-04T10:00:00.000Z");
    await admitted([limiter], "991825827", limits.burst, now);
    const refused = await limiter.admit("991825827", limits, now);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAt.getTime()).toBeGreaterThan(now.getTime());
    expect((await limiter.admit("974760673", limits, now)).allowed).toBe(true);
  });
});

describe("CosmosNotificationQuota against the embedded Cosmos server", () => {
  it("counts what every instance adds, per organisation and month, written in one sum per instance", async () => {
    const container = (await cosmos.freshDatabase()).container(containers.rateBuckets.name);
    const [a, b] = [new CosmosNotificationQuota(container), new CosmosNotificationQuota(container)];
    await Promise.all([
      a.add("991825827", "2026-12", 3),
      b.add("991825827", "2026-12", 4),
      a.add("991825827", "2026-11", 9),
    ]);
    expect(await a.used("991825827", "2026-12")).toBe(3); // its own count at once, the other's once written
    await Promise.all([a.flush(), b.flush()]);
    expect(await new CosmosNotificationQuota(container).used("991825827", "2026-12")).toBe(7);
    expect(await new CosmosNotificationQuota(container).used("974760673", "2026-12")).toBe(0);
  });
});
