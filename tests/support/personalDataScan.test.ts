import { describe, expect, it } from "vitest";
import { captureProcessOutput, leaksIn, personalDataIn } from "./personalDataScan";

describe("the personal data scan", () => {
  const used = personalDataIn([
    JSON.stringify({ nationalIdentityNumber: "15838510075", mobileNumber: "004799000001" }),
    "recipientEmail: Kari.Nordmann@Example.com; sms 41000005; order 310000019",
  ]);

  it("lists identity numbers, each form of a phone number and emails, but not organisation numbers", () => {
    expect(used.sort()).toEqual(
      [
        "15838510075",
        "+4799000001",
        "99000001",
        "+4741000005",
        "41000005",
        "kari.nordmann@example.com",
      ].sort(),
    );
  });

  it("finds what a console call or a stream write printed, and nothing inside longer numbers", () => {
    const output = captureProcessOutput();
    try {
      console.warn("failed for", { to: "KARI.nordmann@example.com" });
      process.stderr.write("gateway refused 99000001\n");
      console.log("order 1158385100759 done");
    } finally {
      output.stop();
    }
    expect(leaksIn(output.text(), used).sort()).toEqual(["99000001", "kari.nordmann@example.com"]);
  });
});
