import { describe, expect, it } from "vitest";
import { appendRecent, setRecent } from "../../shared/local/recentHistory";

describe("a local fake's request history", () => {
  it("keeps the latest 10,000 requests of a population-wide order, not all of them", () => {
    const list: number[] = [];
    for (let i = 0; i < 100_000; i += 100)
      appendRecent(
        list,
        Array.from({ length: 100 }, (_, j) => i + j),
      );

    expect(list.length).toBeGreaterThanOrEqual(10_000);
    expect(list.length).toBeLessThanOrEqual(20_000);
    expect(list.slice(-10_000)).toEqual(Array.from({ length: 10_000 }, (_, i) => 90_000 + i));
  });

  it("remembers the latest 10,000 operations and forgets the older ones", () => {
    const operations = new Map<string, number>();
    for (let i = 0; i < 25_000; i += 1) setRecent(operations, `op-${i}`, i);

    expect(operations.size).toBe(10_000);
    expect(operations.get("op-24999")).toBe(24_999);
    expect(operations.get("op-15000")).toBe(15_000);
    expect(operations.has("op-14999")).toBe(false);
  });
});
