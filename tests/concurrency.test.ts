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

  it("does a failed batch again one item at a time, so only the item that fails fails its add", async () => {
    const batches: string[][] = [];
    let release: () => void = () => {};
    const firstRuns = new Promise<void>((resolve) => (release = resolve));
    const add = batchWhileBusy(async (items: string[]) => {
      batches.push(items);
      if (batches.length === 1) await firstRuns;
      if (items.includes("poison")) throw new Error("store refused it");
    });
    const first = add("a");
    const rest = [add("b"), add("poison"), add("c")];
    release();
    await expect(first).resolves.toBeUndefined();
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(batches).toEqual([["a"], ["b", "poison", "c"], ["b"], ["poison"], ["c"]]);
  });
});
