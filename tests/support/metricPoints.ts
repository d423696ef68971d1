import { metrics } from "@opentelemetry/api";
import { MeterProvider, MetricReader, type DataPoint } from "@opentelemetry/sdk-metrics";

/** Reads the instruments on demand (collect()); nothing is pushed anywhere. */
class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface MetricPoint {
  attributes: Record<string, unknown>;
  value: number;
}

/**
 * Makes a collecting meter provider the process's global one (call before anything records), and returns how
 * to read one metric's data points: each with its attributes and value (a sum, or a histogram's count),
 * cumulative since then.
 */
export function collectMetrics(): (name: string) => Promise<MetricPoint[]> {
  const reader = new CollectingReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  return async (name) => {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []).map((point: DataPoint<unknown>) => ({
      attributes: point.attributes,
      value:
        typeof point.value === "number" ? point.value : Number((point.value as { count?: number }).count),
    }));
  };
}
