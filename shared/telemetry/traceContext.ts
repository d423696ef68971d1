import { createHash } from "node:crypto";
import {
  ROOT_CONTEXT,
  TraceFlags,
  context,
  createTraceState,
  trace,
  type Context,
  type SpanContext,
} from "@opentelemetry/api";
import { z } from "zod";
import { traceparentPattern } from "../domain/order";

/**
 * The trace context as it travels on a queue message's application properties or an HTTP request's headers.
 * `Diagnostic-Id` is where the Azure SDK and the Functions Service Bus extension put the same value.
 */
const traceCarrierSchema = z.object({
  traceparent: z.string().regex(traceparentPattern).optional(),
  tracestate: z.string().max(512).optional(),
  "Diagnostic-Id": z.string().regex(traceparentPattern).optional(),
});

function spanContextOf(traceparent: string, tracestate: string | undefined): SpanContext | undefined {
  const match = traceparentPattern.exec(traceparent);
  if (!match) return undefined;
  const [, traceId = "", spanId = "", flags = "00"] = match;
  return {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(tracestate ? { traceState: createTraceState(tracestate) } : {}),
  };
}

/** A span's context as a W3C `traceparent` (ids and flags; `tracestate` is not part of it). */
export function traceparentOf(spanContext: SpanContext): string {
  const flags = spanContext.traceFlags.toString(16).padStart(2, "0");
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The application properties that carry a span's context to the next hop. */
export function traceCarrierOf(spanContext: SpanContext): Record<string, string> {
  const traceparent = traceparentOf(spanContext);
  const tracestate = spanContext.traceState?.serialize();
  return { traceparent, "Diagnostic-Id": traceparent, ...(tracestate ? { tracestate } : {}) };
}

/** The span context a carrier holds, if it holds a valid one. */
export function carriedSpanContext(carrier: unknown): SpanContext | undefined {
  const parsed = traceCarrierSchema.safeParse(carrier ?? {});
  if (!parsed.success) return undefined;
  const traceparent = parsed.data.traceparent ?? parsed.data["Diagnostic-Id"];
  return traceparent ? spanContextOf(traceparent, parsed.data.tracestate) : undefined;
}

/**
 * The context a consumer continues from: the carrier's remote parent when it holds a valid one, else the
 * active context (an unreadable carrier starts no error: the message is still handled, in a trace of its own).
 */
export function contextFromCarrier(carrier: unknown): Context {
  const parent = carriedSpanContext(carrier);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : context.active();
}

/**
 * The trace of an order written before intake stored one: its id is derived from the order id, so work that
 * starts without a message to carry the context (a delivery report, a timer's re-drive) still finds it. The
 * parent named here is that trace's notional root span.
 */
export function derivedOrderSpanContext(orderId: string): SpanContext {
  const digest = createHash("sha256").update(`varsel-order:${orderId}`).digest("hex");
  return {
    traceId: digest.slice(0, 32),
    spanId: digest.slice(32, 48),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  };
}

/** What a document about an order says of the order's trace: its id, and the `traceparent` intake stored. */
export interface OrderTrace {
  orderId: string;
  traceparent?: string | undefined;
}

/**
 * The span an order's work continues from: the one intake stored on the order (and its notifications copy),
 * in the trace of the HTTP request that registered it; for documents written before that, the derived root.
 */
export function orderSpanContext(order: OrderTrace): SpanContext {
  const stored = order.traceparent === undefined ? undefined : spanContextOf(order.traceparent, undefined);
  return stored ?? derivedOrderSpanContext(order.orderId);
}
