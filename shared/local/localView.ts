import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { heldNotification, heldOrderStatus } from "../domain/heldOrders";
import type { LocalView } from "./cosmosLocalView";
import type { MetricSeries } from "../telemetry/localTelemetry";
import { orderSpanContext } from "../telemetry/traceContext";
import type { CapturedMessage } from "./outbox";

interface TimelineStep {
  status: string;
  at: string;
}

interface TraceStep {
  name: string;
  start: string;
  durationMs: number;
  failed: boolean;
}

interface OrderView {
  id: string;
  creator: string;
  type: string;
  sendersReference?: string;
  status: string;
  created: string;
  /** Every status the order went through, with the (local clock) time of each change, oldest first. */
  timeline: TimelineStep[];
  notifications: Array<{ id: string; channel: string; status: string; at: string; to: string }>;
  /** The captured email and SMS of this order. */
  messageIds: string[];
  /** The order's trace as this process recorded it (real time). */
  trace: TraceStep[];
}

export interface PageView {
  now: string;
  orders: OrderView[];
  messages: Array<CapturedMessage & { orderId?: string }>;
  feed: LocalView["feed"];
  /** The process's metrics (shared/telemetry/metrics.ts), every series since start. */
  metrics: MetricSeries[];
}

const millis = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;

function traceOf(spans: ReadableSpan[]): TraceStep[] {
  return spans
    .map((span) => ({
      name: span.name,
      start: new Date(millis(span.startTime)).toISOString(),
      durationMs: Math.round(millis(span.duration) * 10) / 10,
      failed: span.status.code === SpanStatusCode.ERROR,
    }))
    .sort((a, b) => a.start.localeCompare(b.start));
}

/**
 * What the local page shows: every order, newest first, with its status timeline from the status feed,
 * its notifications and captured messages, and its trace; the outbox; the feed itself; and the metrics.
 */
export function buildPageView(
  view: LocalView,
  outbox: CapturedMessage[],
  spansOfTrace: (traceId: string) => ReadableSpan[],
  metrics: MetricSeries[],
  now: Date,
): PageView {
  const orderOfReference = new Map<string, string>();
  for (const r of view.references) orderOfReference.set(r.reference, r.orderId);
  for (const n of view.notifications) if (n.reference) orderOfReference.set(n.reference, n.orderId);
  const orderOfNotification = new Map(view.notifications.map((n) => [n.id, n.orderId]));
  const messages: PageView["messages"] = outbox.map((m) => ({
    ...m,
    orderId: orderOfReference.get(m.reference) ?? orderOfNotification.get(m.reference),
  }));
  const orders = view.orders.map((order): OrderView => {
    const fromFeed = view.feed
      .filter((entry) => entry.shipmentId === order.id)
      .map((entry) => ({ status: entry.status, at: entry.lastUpdate }));
    const timeline = [{ status: "Order_Registered", at: order.created }, ...fromFeed]
      .filter((step, i, all) => all.findIndex((s) => s.status === step.status) === i)
      .sort((a, b) => a.at.localeCompare(b.at));
    const own = view.notifications.filter((n) => n.orderId === order.id);
    const holder = heldNotification(order, own);
    return {
      id: order.id,
      creator: order.creator,
      type: order.type,
      ...(order.sendersReference !== undefined ? { sendersReference: order.sendersReference } : {}),
      status: holder ? heldOrderStatus(holder) : order.status,
      created: order.created,
      timeline,
      notifications: own.map((n) => ({
        id: n.id,
        channel: n.channel,
        status: n.status,
        at: n.statusChangedAt,
        to: n.recipient.address ?? "",
      })),
      messageIds: messages.filter((m) => m.orderId === order.id).map((m) => m.id),
      trace: traceOf(
        spansOfTrace(orderSpanContext({ orderId: order.id, traceparent: order.traceparent }).traceId),
      ),
    };
  });
  orders.sort((a, b) => b.created.localeCompare(a.created));
  const feed = [...view.feed].sort(
    (a, b) => b.created.localeCompare(a.created) || b.sequenceNumber - a.sequenceNumber,
  );
  return { now: now.toISOString(), orders, messages, feed, metrics };
}
