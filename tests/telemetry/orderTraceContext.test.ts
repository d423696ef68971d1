/**
 * Where an order's spans go, decided by the documents alone: an order registered inside a request stores its
 * registration span's `traceparent`, and everything later continues from it; documents written before that (no
 * `traceparent`, or a damaged one) keep the trace derived from the order id.
 */
import { randomUUID } from "node:crypto";
import { context, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { storedTraceparentSchema, type NewOrder, type OrderDocument } from "../../shared/domain/order";
import type { OrderStore } from "../../shared/ports/orderStore";
import type { OutgoingMessage, Publisher } from "../../shared/ports/publisher";
import { tracedOrderStore, tracedPublisher } from "../../shared/telemetry/instrumentedPorts";
import { derivedOrderSpanContext, orderSpanContext } from "../../shared/telemetry/traceContext";
import { inSpan } from "../../shared/telemetry/tracing";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

const spanNamed = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name);

function order(id: string, traceparent?: string): OrderDocument {
  const at = "2026-11-23T09:00:00.000Z";
  return {
    id,
    pk: id,
    docType: "order",
    creator: "991825827",
    api: "v2",
    type: "Notification",
    requestedSendTime: at,
    created: at,
    notificationChannel: "Email",
    conditionFailurePolicy: "send",
    recipients: [],
    status: "Registered",
    statusChangedAt: at,
    releaseCount: 0,
    traceparent,
    _etag: "etag",
  };
}

/** An order store that keeps what it was given; only the methods these tests call. */
function memoryOrders(written: NewOrder[]): OrderStore {
  const unused = () => Promise.reject(new Error("not used here"));
  return {
    createOrder: async (o) => (written.push(o), "created"),
    updateOrder: async (o, changes) => ({ ...o, ...changes }),
    removeOrder: unused,
    getOrder: unused,
    findOrdersBySendersReference: unused,
    findDue: unused,
    findToSweep: unused,
    getReleaseCursor: unused,
    moveReleaseCursor: unused,
    quarantine: unused,
  };
}

describe("the stored traceparent", () => {
  const stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  it("is ids and flags only; a damaged value reads as absent and never makes the document unreadable", () => {
    expect(storedTraceparentSchema.parse(stored)).toBe(stored);
    expect(storedTraceparentSchema.parse(undefined)).toBeUndefined();
    for (const damaged of [
      "15838510075",
      `${stored} +4798765432`,
      "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01",
    ])
      expect(storedTraceparentSchema.parse(damaged)).toBeUndefined();
  });

  it("names the order's trace; without one (an older document) the trace derived from the order id", () => {
    const orderId = randomUUID();
    expect(orderSpanContext({ orderId, traceparent: stored })).toMatchObject({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
    });
    expect(orderSpanContext({ orderId })).toEqual(derivedOrderSpanContext(orderId));
    expect(orderSpanContext({ orderId, traceparent: "garbage" })).toEqual(derivedOrderSpanContext(orderId));
  });
});

describe("an order's spans", () => {
  it("start in the registering request's trace, stored on the order, and a timer's work continues it", async () => {
    const written: NewOrder[] = [];
    const orders = tracedOrderStore(memoryOrders(written));
    const sent: OutgoingMessage[] = [];
    const publisher = tracedPublisher<Publisher>({
      publish: async (_queue, messages) => void sent.push(...messages),
    });
    const orderId = randomUUID();
    await inSpan("POST future/orders", {}, () => orders.createOrder(order(orderId)));
    const request = spanNamed("POST future/orders")!;
    const registered = spanNamed("order registered")!;
    expect(registered.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    const traceparent = written[0]?.traceparent;
    expect(traceparent).toBe(`00-${request.spanContext().traceId}-${registered.spanContext().spanId}-01`);

    // A timer run reads the order and moves it on: the spans join the request's trace, linked to the run.
    await inSpan("timer sweepOrders", {}, async () => {
      await orders.updateOrder(order(orderId, traceparent), { status: "Processing" });
      await publisher.publish("processOrder", [
        { messageId: "m", body: {}, correlationId: orderId, orderTrace: { traceparent } },
      ]);
    });
    const timer = spanNamed("timer sweepOrders")!;
    for (const name of ["order Order_Processing", "publish processOrder"]) {
      const span = spanNamed(name)!;
      expect(span.spanContext().traceId, name).toBe(request.spanContext().traceId);
      expect(span.parentSpanContext?.spanId, name).toBe(registered.spanContext().spanId);
      expect(
        span.links.map((l) => l.context.spanId),
        name,
      ).toEqual([timer.spanContext().spanId]);
    }
    // The message carries the publish span's context, not the order's hint.
    expect(sent[0]).not.toHaveProperty("orderTrace");
    expect(sent[0]?.applicationProperties?.["traceparent"]).toContain(request.spanContext().traceId);
  });

  it("of an order written before traceparents were stored stay in the derived trace", async () => {
    const written: NewOrder[] = [];
    const orders = tracedOrderStore(memoryOrders(written));
    const orderId = randomUUID();
    // Registered outside any request span: nothing to store.
    await orders.createOrder(order(orderId));
    expect(written[0]?.traceparent).toBeUndefined();
    await inSpan("timer sweepOrders", {}, () => orders.updateOrder(order(orderId), { status: "Processing" }));
    expect(spanNamed("order Order_Processing")?.spanContext().traceId).toBe(
      derivedOrderSpanContext(orderId).traceId,
    );
  });
});
