import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { personalDataPrinted } from "./personalDataGuard";

describe("the end-to-end guard against printed personal data", () => {
  it("is a setup file of every test run, so each *.e2e.test.ts is scanned", () => {
    const config = readFileSync(join(__dirname, "..", "..", "vitest.config.mts"), "utf8");
    expect(config).toMatch(/setupFiles: \[[^\]]*"tests\/support\/personalDataGuard\.ts"/);
  });

  it("finds the values used however printed, and generated ones by their shape", () => {
    const used = ["15838510075", "kari.nordmann@example.com", "+4799000001", "99000001"];
    expect(
      personalDataPrinted("lookup KARI.NORDMANN@example.com, sms 99000001, 3 of 12345 sent", used).sort(),
    ).toEqual(["99000001", "kari.nordmann@example.com"].sort());
    // Not among the values used, but shaped like an identity number, a mobile number or an address.
    expect(personalDataPrinted("person 15838510075 at person7@example.com, +4791000007", [])).toHaveLength(3);
  });

  it("passes ids, organisation numbers, times and the service's own sender address", () => {
    expect(
      personalDataPrinted(
        "org 991825827 order f30fe296-cabf-54b3-baec-5c20af59b557 at 2026-11-23T09:00:00.000Z from donotreply@varsel.local",
        ["15838510075", "kari.nordmann@example.com"],
      ),
    ).toEqual([]);
  });
});
