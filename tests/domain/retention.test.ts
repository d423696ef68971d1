import { describe, expect, it } from "vitest";
import { defaultRetentionPolicy, RetentionRules } from "../../shared/domain/retention";

const now = new Date("2026-11-23T09:00:00.000Z");
const rules = new RetentionRules(defaultRetentionPolicy, () => now);
const sent = { created: now.toISOString(), expiry: "2026-11-25T09:00:00.000Z" };

describe("the retention of a notification", () => {
  it("keeps one that holds its order's status as long as that order, which is never written final", () => {
    const order = rules.orderData(now.toISOString());
    const holder = rules.notification({ ...sent, holdsOrderStatus: true });
    const other = rules.notification(sent);

    expect(holder.ttl).toBe(order.ttl);
    // Any other is kept a day past its deadline (48 h and the grace after its send) plus the retention.
    expect(Math.round((order.ttl - other.ttl) / 86_400)).toBe(11);
  });
});
