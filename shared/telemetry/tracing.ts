import {
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
} from "@opentelemetry/api";
import { isAppError } from "../errors";
import { orderSpanContext, type OrderTrace } from "./traceContext";

/** The instrumentation scope of every span varsel makes; the SDK that exports them is chosen at start-up. */
const tracer = () => trace.getTracer("varsel");

interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent; the active context when left out. */
  parent?: Context;
  links?: Link[];
}

/** `error.type` as OpenTelemetry's conventions name it: our error kind, or the error's class name. */
export function errorType(error: unknown): string {
  if (isAppError(error)) return error.kind;
  return error instanceof Error ? error.name : "unknown";
}

/**
 * Marks the span failed with the error's kind. The message is not copied: provider and store errors can
 * quote an address, and the kind is what an operator filters on.
 */
function recordFailure(span: Span, error: unknown): void {
  span.setAttribute("error.type", errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType(error) });
}

/** Runs `work` inside a new active span, ending it and recording a thrown error's kind. */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    { kind: options.kind, attributes: options.attributes, links: options.links },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs `work` in a span of the order's trace (the request that registered it, or for an older order the trace
 * derived from its id): a child of the active span when that is already in the order's trace (the request
 * itself, a queue hop whose message carried the context), else a child of the span the order's document
 * names, linked to the active span (the timer run or delivery report that came back to the order).
 */
export function inOrderSpan<T>(
  order: OrderTrace,
  name: string,
  options: Omit<SpanOptions, "parent" | "links">,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const root = orderSpanContext(order);
  const active = trace.getSpanContext(context.active());
  const attributes = { "varsel.order.id": order.orderId, ...options.attributes };
  if (active?.traceId === root.traceId) return inSpan(name, { ...options, attributes }, work);
  return inSpan(
    name,
    {
      ...options,
      attributes,
      parent: trace.setSpanContext(context.active(), root),
      links: active && trace.isSpanContextValid(active) ? [{ context: active }] : [],
    },
    work,
  );
}
