import { metrics, type Context } from "@opentelemetry/api";
import { DataPointType, MeterProvider, MetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import {
  SimpleSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

type ExportDone = Parameters<SpanExporter["export"]>[1];
/** `ExportResultCode.SUCCESS` of @opentelemetry/core, which is not a dependency of ours. */
const exportSucceeded = 0;

/**
 * Keeps the most recent spans in memory for the local page, by trace; older ones are dropped first. Bounded
 * (10,000 spans, a few tens of MB) so a large local run does not grow the process, and eviction is O(1).
 */
export class SpanJournal implements SpanExporter {
  private readonly order: Array<ReadableSpan | undefined> = [];
  private head = 0;
  private readonly byTrace = new Map<string, ReadableSpan[]>();

  constructor(private readonly capacity = 10_000) {}

  export(spans: ReadableSpan[], done: ExportDone): void {
    for (const span of spans) {
      const traceId = span.spanContext().traceId;
      const ofTrace = this.byTrace.get(traceId) ?? [];
      ofTrace.push(span);
      this.byTrace.set(traceId, ofTrace);
      this.order.push(span);
    }
    while (this.order.length - this.head > this.capacity) {
      const oldest = this.order[this.head];
      this.order[this.head] = undefined;
      this.head += 1;
      const traceId = oldest?.spanContext().traceId ?? "";
      const ofTrace = this.byTrace.get(traceId);
      // A trace's spans are kept in the order they ended, so its oldest is first.
      ofTrace?.shift();
      if (ofTrace?.length === 0) this.byTrace.delete(traceId);
    }
    // Drop the evicted slots now and then, so the array does not keep growing.
    if (this.head > this.capacity) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    done({ code: exportSucceeded });
  }

  /** Every span kept, in the order they ended. */
  all(): ReadableSpan[] {
    return this.order.slice(this.head).filter((span): span is ReadableSpan => span !== undefined);
  }

  /** The spans of one trace, in the order they ended. */
  trace(traceId: string): ReadableSpan[] {
    return [...(this.byTrace.get(traceId) ?? [])];
  }

  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

/** Hands every ended span to the processors added since, so a test can watch with its own exporter. */
class FanOutProcessor implements SpanProcessor {
  readonly processors = new Set<SpanProcessor>();
  onStart(span: Span, parentContext: Context): void {
    for (const processor of this.processors) processor.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    for (const processor of this.processors) processor.onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all([...this.processors].map((p) => p.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all([...this.processors].map((p) => p.shutdown()));
  }
}

/** Collects on demand (the local page asks): nothing is exported or computed between reads. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** One series of a metric as the local page shows it: a counter's total, or a histogram's count, mean and max. */
export type MetricSeries = {
  name: string;
  unit: string;
  /** The series' attributes (organisation, channel, status, queue, ...), as text. */
  dimensions: Record<string, string>;
} & ({ kind: "sum"; value: number } | { kind: "histogram"; count: number; mean: number; max: number });

function seriesOf(metric: MetricData): MetricSeries[] {
  const { name, unit } = metric.descriptor;
  const dimensionsOf = (attributes: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, String(value)]));
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    return metric.dataPoints.map((point) => ({
      name,
      unit,
      dimensions: dimensionsOf(point.attributes),
      kind: "histogram",
      count: point.value.count,
      mean: point.value.count > 0 ? (point.value.sum ?? 0) / point.value.count : 0,
      max: point.value.max ?? 0,
    }));
  }
  if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    return metric.dataPoints.map((point) => ({
      name,
      unit,
      dimensions: dimensionsOf(point.attributes),
      kind: "sum",
      value: point.value,
    }));
  }
  return [];
}

export interface LocalTelemetry {
  /** What the local page shows: the recent spans of this process. */
  journal: SpanJournal;
  /** The metrics of this process since it started (every series of every instrument), for the local page. */
  metrics(): Promise<MetricSeries[]>;
  /** Sends every span from now on to the exporter as well; returns how to stop. */
  addExporter(exporter: SpanExporter): () => void;
}

let installed: LocalTelemetry | undefined;

/** Local telemetry if this process installed it, without installing it. */
export function installedLocalTelemetry(): LocalTelemetry | undefined {
  return installed;
}

/**
 * Local mode's telemetry, installed once per process as the global providers (tracing with the
 * AsyncLocalStorage context manager and the W3C propagator): spans go to an in-memory journal and metrics to a
 * reader, both read by the local page.
 */
export function localTelemetry(): LocalTelemetry {
  if (installed) return installed;
  const journal = new SpanJournal();
  const fanOut = new FanOutProcessor();
  fanOut.processors.add(new SimpleSpanProcessor(journal));
  new NodeTracerProvider({ spanProcessors: [fanOut] }).register();
  // Metrics too, read when the page asks. A provider a test registered first stays the global one (the
  // call then returns false), and the page shows no metrics.
  const reader = new OnDemandReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  installed = {
    journal,
    async metrics() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.flatMap(seriesOf));
    },
    addExporter(exporter) {
      const processor = new SimpleSpanProcessor(exporter);
      fanOut.processors.add(processor);
      return () => fanOut.processors.delete(processor);
    },
  };
  return installed;
}
