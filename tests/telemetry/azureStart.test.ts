/**
 * How shared/telemetry/start.ts starts the Azure Monitor distro on Azure: the options it passes, with the
 * distro itself replaced (nothing is sent anywhere).
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import "../../shared/telemetry/start";

const saved = vi.hoisted(() => {
  // Before start.ts is imported (it starts telemetry as it loads): Azure mode with a connection string.
  const before = { ...process.env };
  process.env["VARSEL_MODE"] = "azure";
  process.env["APPLICATIONINSIGHTS_CONNECTION_STRING"] =
    "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/";
  return before;
});
const started = vi.hoisted(() => ({ options: [] as unknown[], instrumentations: 0 }));
vi.mock("@azure/monitor-opentelemetry", () => ({
  useAzureMonitor: (options: unknown) => started.options.push(options),
}));
vi.mock("@azure/functions-opentelemetry-instrumentation", () => ({
  AzureFunctionsInstrumentation: class {
    constructor() {
      started.instrumentations += 1;
    }
  },
}));

afterAll(() => {
  process.env = saved;
});

describe("telemetry on Azure", () => {
  it("samples whole orders: a fixed percentage of trace ids (all by default), not a rate per second", () => {
    expect(started.options).toHaveLength(1);
    expect(started.options[0]).toMatchObject({
      samplingRatio: 1,
      tracesPerSecond: 0,
      azureMonitorExporterOptions: { connectionString: expect.stringContaining("InstrumentationKey=") },
    });
    expect(started.instrumentations).toBe(1);
  });
});
