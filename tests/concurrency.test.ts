import { describe, expect, it } from "vitest";
import { batchWhileBusy } from "../shared/concurrency";

describe("batchWhileBusy", () => {
  it("runs a lone item at once, and the items added while a batch runs as the next batch", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const firstRuns = new Promise<void>((resolve) => (release = resolve));
    const add = batchWhileBusy(async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await firstRuns;
    });
    const first = add(1);
    const rest = [add(2), add(3), add(4)];
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("fails the items of a failed batch only, and goes on with the next", async () => {
    let calls = 0;
    let release: () => void = () => {};
    const firstRuns = new Promise<void>((resolve) => (release = resolve));
    const add = batchWhileBusy(async () => {
      calls += 1;
      if (calls === 1) {
        await firstRuns;
        throw new Error("store unavailable");
      }
    });
    const first = add("a");
    const second = add("b");
    release();
    await expect(first).rejects.toThrow("store unavailable");
    await expect(second).resolves.toBeUndefined();
  });
});
