import { describe, expect, it } from "vitest";
import {
  newBucket,
  pacingKeyOf,
  pauseBucket,
  takeTokens,
  type BucketLimit,
} from "../../shared/domain/tokenBucket";

const limit: BucketLimit = { perSecond: 10, burst: 20, bulkReserve: 4 };
const t0 = new Date("2026-12-04T10:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("token bucket", () => {
  it("grants a full burst at once, then only what accrued at the configured rate", () => {
    const first = takeTokens(newBucket("acs:x", limit, t0), limit, 20, "priority", t0);
    expect(first.grant).toEqual({ granted: 20 });
    const later = takeTokens(first.bucket, limit, 20, "priority", at(500));
    expect(later.grant.granted).toBe(5);
    // The 15 still needed accrue in 1.5 s.
    expect(later.grant.retryAt).toEqual(at(2_000));
  });

  it("never holds more than the burst, however long it was idle", () => {
    const drained = takeTokens(newBucket("k", limit, t0), limit, 20, "priority", t0).bucket;
    expect(takeTokens(drained, limit, 100, "priority", at(3_600_000)).grant.granted).toBe(20);
  });

  it("leaves the reserve to priority sends: bulk stops above it, a priority send takes it", () => {
    const bulk = takeTokens(newBucket("k", limit, t0), limit, 100, "bulk", t0);
    expect(bulk.grant.granted).toBe(16);
    const refused = takeTokens(bulk.bucket, limit, 100, "bulk", t0);
    expect(refused.grant.granted).toBe(0);
    const priority = takeTokens(refused.bucket, limit, 1, "priority", t0);
    expect(priority.grant).toEqual({ granted: 1 });
  });

  it("gives refused bulk callers one wake-up after another, and a refused priority send its own token's time", () => {
    let bucket = takeTokens(newBucket("k", limit, t0), limit, 20, "priority", t0).bucket;
    const wakeUps: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const taken = takeTokens(bucket, limit, 10, "bulk", t0);
      expect(taken.grant.granted).toBe(0);
      wakeUps.push(taken.grant.retryAt!.getTime() - t0.getTime());
      bucket = taken.bucket;
    }
    // The first needs the reserve (4) and its 10 to accrue; each next one 10 more, one second at 10 a second.
    expect(wakeUps).toEqual([1_400, 2_400, 3_400]);
    // Bulk sends cannot take the reserve, so a single send does not wait behind them.
    expect(takeTokens(bucket, limit, 1, "priority", t0).grant.retryAt).toEqual(at(100));
  });

  it("a pause refuses everything until it ends and then resumes at the steady rate, without a burst", () => {
    const paused = pauseBucket(newBucket("k", limit, t0), at(60_000));
    const during = takeTokens(paused, limit, 1, "priority", at(30_000));
    expect(during.grant.granted).toBe(0);
    expect(during.grant.retryAt!.getTime()).toBeGreaterThanOrEqual(at(60_000).getTime());
    expect(takeTokens(paused, limit, 20, "priority", at(61_000)).grant.granted).toBe(10);
    // A shorter pause reported later does not cut the longer one short.
    expect(pauseBucket(paused, at(10_000)).pausedUntil).toBe(at(60_000).toISOString());
  });

  it("keys email by the sender's domain and SMS by the one LINK account", () => {
    expect(pacingKeyOf({ channel: "email", from: "NoReply@Skatt.NO" })).toEqual({
      provider: "acs",
      key: "acs:skatt.no",
    });
    expect(pacingKeyOf({ channel: "sms" })).toEqual({ provider: "link", key: "link" });
  });
});
