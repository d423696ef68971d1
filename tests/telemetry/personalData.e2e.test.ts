import { createRequire } from "node:module";
import { join } from "node:path";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as LocalTelemetryModule from "../../shared/telemetry/localTelemetry";
import { pipelineScenarios } from "../e2e/pipelineScenarios";
import { projectRoot } from "../support/localService";
import { captureOutput, findPersonalData, findPersonalDataInSpans } from "../support/personalData";

// The compiled service's telemetry (one module graph with the registration files the host loads).
const { localTelemetry } = createRequire(__filename)(
  join(projectRoot, "dist", "shared", "telemetry", "localTelemetry.js"),
) as typeof LocalTelemetryModule;

const exporter = new InMemorySpanExporter();
let stopExporting: () => void;
let output: ReturnType<typeof captureOutput>;

beforeAll(() => {
  stopExporting = localTelemetry().addExporter(exporter);
  output = captureOutput();
});
afterAll(() => {
  output?.stop();
  stopExporting?.();
});

describe("the scanner", () => {
  it("finds identity numbers, phone numbers and email addresses, and passes ids and times", () => {
    const found = findPersonalData(
      "nin 15838510075 sms +4798765432 or 98765432 mail kari.nordmann@example.com",
      "sample",
    ).map((f) => f.kind);
    expect(found).toEqual(["national identity number", "phone number", "phone number", "email address"]);
    expect(
      findPersonalData(
        "org 991825827 order f30fe296-cabf-54b3-baec-5c20af59b557 at 2026-11-23T09:00:00.000Z span 4bf92f3577b34da6 from donotreply@varsel.local " +
          "notification 98784213-0a4e-4bd8-9c7f-2b1d0f7c1e55",
        "sample",
      ),
    ).toEqual([]);
  });
});

// The end-to-end scenarios, with every span and log line they produce collected.
pipelineScenarios({ duplicateDelivery: false });

describe("telemetry and logs of the end-to-end scenarios", () => {
  it("carry no national identity number, phone number or email address", () => {
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(50);
    expect(findPersonalDataInSpans(spans)).toEqual([]);
    expect(output.lines.flatMap((line) => findPersonalData(line, "log"))).toEqual([]);
  });
});
