import { AzureFunctionsInstrumentation } from "@azure/functions-opentelemetry-instrumentation";
import { DefaultAzureCredential } from "@azure/identity";
import { useAzureMonitor } from "@azure/monitor-opentelemetry";
import { z } from "zod";

/**
 * The settings telemetry needs before anything else loads (so it cannot wait for `settings()`): set on Azure
 * by infra/app/function-app.bicep. Without a connection string (local mode, tests) nothing is started here;
 * local mode installs its own provider (localTelemetry.ts).
 */
const telemetrySettingsSchema = z.object({
  VARSEL_MODE: z.enum(["local", "azure"]).default("azure"),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),
  AZURE_CLIENT_ID: z.string().min(1).optional(),
});

let started = false;

/**
 * Starts OpenTelemetry on Azure: the Azure Monitor distro (traces, metrics and logs to Application Insights,
 * authenticated as the app's managed identity, Azure SDK calls and outgoing HTTP instrumented) and the Azure
 * Functions instrumentation, which continues the host's trace in each invocation. It hooks `@azure/functions`
 * as that loads, so every registration file imports this module first.
 */
function startAzureTelemetry(): void {
  if (started) return;
  started = true;
  const parsed = telemetrySettingsSchema.safeParse(process.env);
  // A bad value here is reported by settings() on the first invocation; telemetry just stays off.
  if (!parsed.success || parsed.data.VARSEL_MODE === "local") return;
  const connectionString = parsed.data.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (!connectionString) return;
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString,
      credential: new DefaultAzureCredential({ managedIdentityClientId: parsed.data.AZURE_CLIENT_ID }),
    },
    instrumentationOptions: { azureSdk: { enabled: true }, http: { enabled: true } },
    enableLiveMetrics: true,
    // Every span of an order shares the order's trace id, so a fixed-percentage sampler (a hash of the trace
    // id) keeps or drops an order's trace whole. The distro's default, 5 traces a second, recomputes its
    // percentage as load changes and would decide each queue hop differently: traces with holes. An operator
    // lowers the share with OTEL_TRACES_SAMPLER=microsoft.fixed_percentage and OTEL_TRACES_SAMPLER_ARG.
    samplingRatio: 1,
    tracesPerSecond: 0,
  });
  // Enabled on construction, against the global providers the distro just registered.
  new AzureFunctionsInstrumentation();
}

startAzureTelemetry();
