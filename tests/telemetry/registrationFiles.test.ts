import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const functionsDir = join(__dirname, "..", "..", "functions");

describe("the registration files", () => {
  // The Azure Functions instrumentation hooks @azure/functions as it loads, so telemetry must start first.
  it.each(readdirSync(functionsDir).filter((f) => f.endsWith(".ts")))(
    "%s starts telemetry before anything else",
    (file) => {
      const firstImport = readFileSync(join(functionsDir, file), "utf8")
        .split("\n")
        .find((l) => l.startsWith("import"));
      expect(firstImport).toBe('import "../shared/telemetry/start";');
    },
  );
});
