import { describe, expect, it } from "vitest";
import { unusedExports } from "./support/exportGraph";

describe("production exports", () => {
  // An export nothing imports is dead code, or a file-local helper that says more than it should.
  it("are each imported by another file, a test, a bench script or the host", () => {
    expect(unusedExports()).toEqual([]);
  });
});
