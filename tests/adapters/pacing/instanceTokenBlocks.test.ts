import { describe, expect, it } from "vitest";
import { InstanceTokenBlocks, tokenHoldMs } from "../../../shared/adapters/pacing/instanceTokenBlocks";
import type { PacingLane, TokenGrant } from "../../../shared/domain/tokenBucket";
import type { PacedBucket, SendPacer } from "../../../shared/ports/sendPacer";

/** A shared bucket with `available` tokens that records every request made to it. */
class CountingPacer implements SendPacer {
  requests: Array<{ wanted: number; lane: PacingLane }> = [];
  constructor(public available: number) {}
  async take(_bucket: PacedBucket, wanted: number, lane: PacingLane, now: Date): Promise<TokenGrant> {
    this.requests.push({ wanted, lane });
    const granted = Math.min(wanted, this.available);
    this.available -= granted;
    return granted === wanted ? { granted } : { granted, retryAt: new Date(now.getTime() + 1_000) };
  }
  async pause(): Promise<void> {}
}

const acs = { provider: "acs" as const, key: "acs:example.no" };
const t0 = new Date("2026-12-04T10:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("tokens an instance takes ahead for single sends", () => {
  it("a quiet instance takes one token at a time, so it wastes none", async () => {
    const shared = new CountingPacer(100);
    const blocks = new InstanceTokenBlocks(shared);
    for (let i = 0; i < 3; i += 1) await blocks.take(acs, 1, "priority", at(i * 5_000));
    expect(shared.requests.map((r) => r.wanted)).toEqual([1, 1, 1]);
  });

  it("a busy instance takes blocks sized by its last second and writes the bucket once per block", async () => {
    const shared = new CountingPacer(1_000);
    const blocks = new InstanceTokenBlocks(shared);
    let granted = 0;
    for (let i = 0; i < 100; i += 1) granted += (await blocks.take(acs, 1, "priority", at(i * 20))).granted;
    expect(granted).toBe(100);
    expect(shared.requests.length).toBeLessThan(25);
    expect(Math.max(...shared.requests.map((r) => r.wanted))).toBe(10);
  });

  it("drops held tokens after the hold time and after a pause, and passes batches straight through", async () => {
    const shared = new CountingPacer(1_000);
    const blocks = new InstanceTokenBlocks(shared);
    for (let i = 0; i < 20; i += 1) await blocks.take(acs, 1, "priority", at(i * 50));
    const before = shared.requests.length;
    await blocks.take(acs, 1, "priority", at(20 * 50 + tokenHoldMs));
    expect(shared.requests.length).toBe(before + 1);
    await blocks.pause(acs, at(60_000), at(2_000));
    shared.available = 0;
    expect((await blocks.take(acs, 1, "priority", at(2_001))).granted).toBe(0);
    await blocks.take(acs, 100, "bulk", at(2_002));
    expect(shared.requests.at(-1)).toEqual({ wanted: 100, lane: "bulk" });
  });
});
