import { metrics } from "@opentelemetry/api";
import { MeterProvider, MetricReader, type DataPoint } from "@opentelemetry/sdk-metrics";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

const tenant = "991825827";
/** Monday 23 November 2026, 10:00 in Oslo: inside the daytime window. */
const monday10 = "2026-11-23T09:00:00.000Z";

let service: LocalService;
let api: ApiClient;
const exporter = new InMemorySpanExporter();
let stopExporting: () => void;

/** Reads the instruments on demand (collect()); nothing is pushed anywhere. */
class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}
const reader = new CollectingReader();

/** The data points of one metric, with their attributes and values (a sum, or a histogram's count). */
async function points(name: string): Promise<Array<{ attributes: Record<string, unknown>; value: number }>> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((point: DataPoint<unknown>) => ({
    attributes: point.attributes,
    value: typeof point.value === "number" ? point.value : Number((point.value as { count?: number }).count),
  }));
}

beforeAll(async () => {
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  service = await startCompiledService();
  stopExporting = service.telemetry.addExporter(exporter);
  service.clock.freeze(monday10);
  api = apiClient(service.host.apiUrl, await localToken(tenant));
});
afterAll(async () => {
  stopExporting?.();
  metrics.disable();
  await service?.close();
});

async function order(idempotencyId: string, recipient: unknown): Promise<string> {
  const response = await api.request("POST", "/future/orders", {
    idempotencyId,
    sendersReference: `trace-${idempotencyId}`,
    recipient,
  });
  expect(response.status, response.text).toBe(201);
  return (response.body as { notification: { shipmentId: string } }).notification.shipmentId;
}

const attribute = (span: ReadableSpan, key: string) => span.attributes[key];

/** The spans of the trace that the order's registration started. */
function traceOfOrder(orderId: string): ReadableSpan[] {
  const spans = exporter.getFinishedSpans();
  const registered = spans.find(
    (s) => s.name === "order registered" && attribute(s, "varsel.order.id") === orderId,
  );
  expect(registered, "the order's registration span").toBeDefined();
  const traceId = registered!.spanContext().traceId;
  return spans.filter((s) => s.spanContext().traceId === traceId);
}

describe("OpenTelemetry through the pipeline", () => {
  it("follows one email order in one trace from the HTTP request to Order_Completed", async () => {
    const orderId = await order("trace-email", {
      recipientEmail: { emailAddress: "traced@example.net", emailSettings: { subject: "Hi", body: "Body" } },
    });
    await service.settle();
    const shipment = await api.request("GET", `/future/shipment/${orderId}`);
    expect(shipment.body).toMatchObject({ status: "Order_Completed" });

    const spans = traceOfOrder(orderId);
    const names = spans.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "order registered",
        "publish processOrder",
        "process process-order",
        "publish sendEmail",
        "ACS send email",
        "notification Email_Delivered",
        "order Order_Processing",
        "order Order_Completed",
      ]),
    );
    // The HTTP request is the client's trace; the order's trace links back to it.
    const request = exporter
      .getFinishedSpans()
      .find(
        (s) => s.name === "POST future/orders" && s.spanContext().traceId !== spans[0]!.spanContext().traceId,
      );
    const registered = spans.find((s) => s.name === "order registered")!;
    expect(registered.links.map((l) => l.context.spanId)).toContain(request?.spanContext().spanId);
    // Each queue hop continues the span that published the message (W3C trace context on the message).
    const published = spans.find((s) => s.name === "publish sendEmail")!;
    const consumed = spans.find(
      (s) => s.name.startsWith("process ") && s.parentSpanContext?.spanId === published.spanContext().spanId,
    );
    expect(consumed?.attributes["messaging.destination.name"]).toMatch(/email/);
    const provider = spans.find((s) => s.name === "ACS send email")!;
    expect(provider.parentSpanContext?.spanId).toBe(consumed?.spanContext().spanId);
  });

  it("follows an SMS order through the gateway and its delivery report in the same trace", async () => {
    const orderId = await order("trace-sms", {
      recipientSms: {
        phoneNumber: "+4798765400",
        smsSettings: { body: "Traced", sendingTimePolicy: "Anytime" },
      },
    });
    await service.settle();
    const names = traceOfOrder(orderId).map((s) => s.name);
    expect(names.some((name) => name.startsWith("LINK send SMS"))).toBe(true);
    expect(names).toEqual(expect.arrayContaining(["notification SMS_Delivered", "order Order_Completed"]));
  });

  it("counts orders, final statuses, provider calls and queue waits for an operator", async () => {
    expect(await points("varsel.orders.accepted")).toContainEqual({
      attributes: { "varsel.org": tenant, "varsel.order.type": "Notification" },
      value: 2,
    });
    const finals = await points("varsel.notifications.final");
    expect(finals).toContainEqual({
      attributes: {
        "varsel.org": tenant,
        "varsel.channel": "email",
        "varsel.notification.status": "Email_Delivered",
      },
      value: 1,
    });
    expect(finals).toContainEqual({
      attributes: {
        "varsel.org": tenant,
        "varsel.channel": "sms",
        "varsel.notification.status": "SMS_Delivered",
      },
      value: 1,
    });
    const calls = await points("varsel.provider.duration");
    expect(calls.filter((p) => p.attributes["varsel.provider"] === "acs")).toEqual([
      { attributes: { "varsel.provider": "acs", "varsel.outcome": "accepted" }, value: 1 },
    ]);
    const waits = await points("varsel.queue.age");
    expect(waits.map((p) => p.attributes["messaging.destination.name"])).toEqual(
      expect.arrayContaining(["process-order", "send-email", "send-sms"]),
    );
    expect(await points("varsel.queue.dead_lettered")).toEqual([]);
  });
});

describe("the bulk lane and batched delivery reports", () => {
  /** Legacy orders with more recipients than the priority lane takes (shared/domain/lanes.ts). */
  const recipients = 101;

  it("keeps each large order in one trace through the bulk queues, the batched reports and the sweeper", async () => {
    const email = await api.request("POST", "/orders/email", {
      subject: "Bulk",
      body: "Bulk",
      recipients: Array.from({ length: recipients }, (_, i) => ({ emailAddress: `bulk${i}@example.net` })),
    });
    const sms = await api.request("POST", "/orders/sms", {
      body: "Bulk",
      recipients: Array.from({ length: recipients }, (_, i) => ({
        mobileNumber: `+47987${String(i).padStart(5, "0")}`,
      })),
    });
    expect([email.status, sms.status], email.text + sms.text).toEqual([202, 202]);
    const orders = [email.body, sms.body].map((b) => (b as { orderId: string }).orderId);
    await service.settle();
    // A large order is completed by the sweeper once its sends are overdue for a check (abandonedSendMs).
    service.clock.freeze(new Date(service.clock.now().getTime() + 3 * 60_000));
    await service.host.runTimer("sweepOrders");
    await service.settle();

    for (const [orderId, lane] of [
      [orders[0]!, ["process-order-bulk", "send-email-bulk"]],
      [orders[1]!, ["process-order-bulk", "send-sms-bulk"]],
    ] as const) {
      const spans = traceOfOrder(orderId);
      // Every span that names the order is in its trace: no hop started a trace of its own.
      const naming = exporter.getFinishedSpans().filter((s) => attribute(s, "varsel.order.id") === orderId);
      expect(new Set(naming.map((s) => s.spanContext().traceId))).toEqual(
        new Set([spans[0]!.spanContext().traceId]),
      );
      // Each bulk-lane delivery continues the span that published its message.
      const producers = new Set(
        spans.filter((s) => s.kind === SpanKind.PRODUCER).map((s) => s.spanContext().spanId),
      );
      const consumers = spans.filter((s) => s.kind === SpanKind.CONSUMER);
      expect(new Set(consumers.map((s) => attribute(s, "messaging.destination.name")))).toEqual(
        new Set(lane),
      );
      for (const consumer of consumers) expect(producers).toContain(consumer.parentSpanContext?.spanId);
      // The sweeper's completion joins the order's trace, linked to the timer run.
      const completion = spans.find((s) => s.name === "order Order_Completed");
      const timerRuns = exporter.getFinishedSpans().filter((s) => s.name === "timer sweepOrders");
      expect(timerRuns.map((s) => s.spanContext().spanId)).toContain(completion?.links[0]?.context.spanId);
      // Each notification's delivery report is in it (a repeated report's write is a span with outcome conflict).
      const delivered = spans.filter(
        (s) =>
          /^notification (Email|SMS)_Delivered$/.test(s.name) && attribute(s, "varsel.outcome") === "updated",
      );
      expect(new Set(delivered.map((s) => attribute(s, "varsel.notification.id"))).size).toBe(recipients);
    }

    // The email reports came through the batched delivery-report queue; their status changes link to it.
    const reportBatches = new Map(
      exporter
        .getFinishedSpans()
        .filter((s) => s.name === "process delivery-reports")
        .map((s) => [s.spanContext().spanId, s]),
    );
    const emailDelivered = traceOfOrder(orders[0]!).filter((s) => s.name === "notification Email_Delivered");
    for (const span of emailDelivered)
      expect(reportBatches.has(span.links[0]?.context.spanId ?? "")).toBe(true);
    expect(
      Math.max(
        ...[...reportBatches.values()].map((s) => Number(attribute(s, "messaging.batch.message_count"))),
      ),
    ).toBeGreaterThan(1);
  });

  it("counts the sweeper's work", async () => {
    expect(await points("varsel.sweeper.work")).toContainEqual({
      attributes: { "varsel.job": "sweepOrders", "varsel.action": "completed" },
      value: 2,
    });
  });
});
