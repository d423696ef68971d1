import { SpanKind, type Span, type SpanContext } from "@opentelemetry/api";
import type { InvocationContext } from "@azure/functions";
import { queues } from "../platform/resources";
import { varselMetrics } from "./metrics";
import { carriedSpanContext, contextFromCarrier } from "./traceContext";
import { inSpan } from "./tracing";

function metadata(context: InvocationContext, key: string): unknown {
  return context.triggerMetadata?.[key];
}

function queueNameOf(context: InvocationContext): string {
  const name = context.options.trigger["queueName"];
  return typeof name === "string" ? name : context.functionName;
}

function timeOf(value: unknown): number | undefined {
  const at = typeof value === "string" || value instanceof Date ? new Date(value).getTime() : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

function enqueuedAt(context: InvocationContext): number | undefined {
  return timeOf(metadata(context, "enqueuedTimeUtc"));
}

/**
 * Handles one queue delivery in a consumer span that continues the trace the message carries (its
 * `traceparent` application property), recording how long the message waited in the queue.
 */
export function inQueueDelivery(
  context: InvocationContext,
  now: Date,
  work: (span: Span) => Promise<void>,
): Promise<void> {
  const queue = queueNameOf(context);
  const enqueued = enqueuedAt(context);
  if (enqueued !== undefined) {
    varselMetrics().queueAge.record(Math.max(0, now.getTime() - enqueued), {
      "messaging.destination.name": queue,
    });
  }
  const messageId = metadata(context, "messageId");
  const orderId = metadata(context, "correlationId");
  const deliveryCount = metadata(context, "deliveryCount");
  return inSpan(
    `process ${queue}`,
    {
      kind: SpanKind.CONSUMER,
      parent: contextFromCarrier(metadata(context, "applicationProperties")),
      attributes: {
        "messaging.system": "servicebus",
        "messaging.operation.type": "process",
        "messaging.destination.name": queue,
        ...(typeof messageId === "string" ? { "messaging.message.id": messageId } : {}),
        ...(typeof orderId === "string" && orderId !== "" ? { "varsel.order.id": orderId } : {}),
        ...(typeof deliveryCount === "number"
          ? { "messaging.servicebus.message.delivery_count": deliveryCount }
          : {}),
      },
    },
    work,
  );
}

/**
 * Handles a batch of messages (`cardinality: "many"`) in one consumer span linked to the context each message
 * carries, recording each message's wait in the queue.
 */
export function inQueueBatch(
  context: InvocationContext,
  now: Date,
  work: (span: Span) => Promise<void>,
): Promise<void> {
  const queue = queueNameOf(context);
  const enqueued = metadata(context, "enqueuedTimeUtcArray");
  for (const value of Array.isArray(enqueued) ? enqueued : []) {
    const at = timeOf(value);
    if (at !== undefined) {
      varselMetrics().queueAge.record(Math.max(0, now.getTime() - at), {
        "messaging.destination.name": queue,
      });
    }
  }
  const carriers = metadata(context, "applicationPropertiesArray");
  const links = (Array.isArray(carriers) ? carriers : [])
    .map((carrier) => carriedSpanContext(carrier))
    .filter((linked): linked is SpanContext => linked !== undefined)
    .map((linked) => ({ context: linked }));
  return inSpan(
    `process ${queue}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        "messaging.system": "servicebus",
        "messaging.operation.type": "process",
        "messaging.destination.name": queue,
        "messaging.batch.message_count": Array.isArray(enqueued) ? enqueued.length : 1,
      },
    },
    work,
  );
}

/** A message completed without effect: unreadable, or failed permanently. */
export function recordDropped(context: InvocationContext, kind: string): void {
  varselMetrics().queueDropped.add(1, {
    "messaging.destination.name": queueNameOf(context),
    "error.type": kind,
  });
}

/** The delivery count of each message of the invocation: one, or a batch's (`deliveryCountArray`). */
function deliveryCountsOf(context: InvocationContext): number[] {
  const count = metadata(context, "deliveryCount");
  if (typeof count === "number") return [count];
  const counts = metadata(context, "deliveryCountArray");
  return Array.isArray(counts) ? counts.filter((c): c is number => typeof c === "number") : [];
}

/**
 * A failed delivery; on the last one the broker dead-letters the message, which an operator must look at.
 * A batch settles as one, so each of its messages on its last delivery is dead-lettered and counted.
 */
export function recordFailedDelivery(context: InvocationContext): void {
  const queue = queueNameOf(context);
  const definition = Object.values(queues).find((q) => q.name === queue);
  if (!definition) return;
  const last = deliveryCountsOf(context).filter((count) => count >= definition.maxDeliveryCount).length;
  if (last > 0) varselMetrics().queueDeadLettered.add(last, { "messaging.destination.name": queue });
}

/** A timer run as a span of its own; `work` says what it did, counted per action. */
export function inTimerRun<T>(context: InvocationContext, work: () => Promise<T>): Promise<T> {
  return inSpan(`timer ${context.functionName}`, { attributes: { "faas.trigger": "timer" } }, () => work());
}

/** Counts what a timer run did, per action (released, re-sent, completed, quarantined, ...). */
export function recordTimerWork(job: string, work: Record<string, number>): void {
  for (const [action, count] of Object.entries(work)) {
    if (count > 0) varselMetrics().sweeperWork.add(count, { "varsel.job": job, "varsel.action": action });
  }
}
