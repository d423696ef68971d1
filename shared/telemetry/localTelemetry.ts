import type { Context } from "@opentelemetry/api";
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

export interface LocalTelemetry {
  /** What the local page shows: the recent spans of this process. */
  journal: SpanJournal;
  /** Sends every span from now on to the exporter as well; returns how to stop. */
  addExporter(exporter: SpanExporter): () => void;
}

let installed: LocalTelemetry | undefined;

/**
 * Local mode's tracing, installed once per process as the global provider (with the AsyncLocalStorage
 * context manager and the W3C propagator): spans go to an in-memory journal the local page reads.
 */
export function localTelemetry(): LocalTelemetry {
  if (installed) return installed;
  const journal = new SpanJournal();
  const fanOut = new FanOutProcessor();
  fanOut.processors.add(new SimpleSpanProcessor(journal));
  new NodeTracerProvider({ spanProcessors: [fanOut] }).register();
  installed = {
    journal,
    addExporter(exporter) {
      const processor = new SimpleSpanProcessor(exporter);
      fanOut.processors.add(processor);
      return () => fanOut.processors.delete(processor);
    },
  };
  return installed;
}
