import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, requestHash } from "../../shared/domain/deterministicIds";

/** The recursive serialisation stored hashes were made with, kept here to prove the iterative one equal. */
function recursiveCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursiveCanonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${recursiveCanonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

describe("canonicalJson", () => {
  it("serialises any JSON value exactly as the recursive version did, so stored request hashes stay valid", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it("sorts keys by UTF-16 code units and drops undefined properties", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: undefined, A: { z: 0, y: {} } })).toBe(
      '{"A":{"y":{},"z":0},"a":[true,null,"x"],"b":1}',
    );
  });

  it("keeps the hash of a known request", () => {
    expect(requestHash({ idempotencyId: "k1", recipient: { a: 1 } })).toBe(
      requestHash({ recipient: { a: 1 }, idempotencyId: "k1" }),
    );
    expect(requestHash({ b: [1, 2], a: "x" })).toBe("ch74Ly1sCZe_-3qKs_QPj7RbC1LOKvOvprDwXvvcMX8");
  });

  it("hashes bodies nested 200,000 deep (arrays and objects) without exhausting the stack", () => {
    const depth = 200_000;
    const arrays = JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown;
    const objects = JSON.parse('{"a":'.repeat(depth) + "1" + "}".repeat(depth)) as unknown;
    expect(requestHash({ idempotencyId: "x", ignored: arrays })).toMatch(/^[\w-]{43}$/);
    expect(canonicalJson(objects)).toHaveLength(depth * 5 + 1 + depth);
  });
});
