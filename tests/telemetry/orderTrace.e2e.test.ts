import { metrics } from "@opentelemetry/api";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";
import { collectMetrics } from "../support/metricPoints";

const tenant = "991825827";
/** Monday 23 November 2026, 10:00 in Oslo: inside the daytime window. */
const monday10 = "2026-11-23T09:00:00.000Z";

let service: LocalService;
let api: ApiClient;
const exporter = new InMemorySpanExporter();
let stopExporting: () => void;

let points: ReturnType<typeof collectMetrics>;

beforeAll(async () => {
  points = collectMetrics();
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

/**
 * One order, one trace: the server span of the request that registered it (`route`) and the order's
 * `Order_Completed` (or another `last` span) have the same trace id, every span that names the order is in that trace, and each
 * descends from the request span (its parents, followed up, reach it: none hangs off a root of its own).
 */
function expectOneTrace(orderId: string, route: string, last = "order Order_Completed"): ReadableSpan[] {
  const spans = traceOfOrder(orderId);
  const request = spans.find((s) => s.kind === SpanKind.SERVER && s.name === route);
  expect(request, `the ${route} request span in the order's trace`).toBeDefined();
  const traceId = request!.spanContext().traceId;
  const completed = exporter
    .getFinishedSpans()
    .filter((s) => s.name === last && attribute(s, "varsel.order.id") === orderId);
  expect(completed.length).toBeGreaterThan(0);
  for (const span of completed) expect(span.spanContext().traceId).toBe(traceId);
  const naming = exporter.getFinishedSpans().filter((s) => attribute(s, "varsel.order.id") === orderId);
  expect(new Set(naming.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const requestId = request!.spanContext().spanId;
  for (const span of naming) {
    let current: ReadableSpan | undefined = span;
    for (let depth = 0; current && current.spanContext().spanId !== requestId && depth < 50; depth += 1)
      current = byId.get(current.parentSpanContext?.spanId ?? "");
    expect(current?.spanContext().spanId, `${span.name} descends from ${route}`).toBe(requestId);
  }
  return spans;
}

/** The trace of a span that a link points to. */
function linkedTrace(span: ReadableSpan | undefined): ReadableSpan[] {
  const linked = span?.links[0]?.context;
  return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === linked?.traceId);
}

describe("OpenTelemetry through the pipeline", () => {
  it("follows one email order in one trace from the HTTP request to Order_Completed", async () => {
    const orderId = await order("trace-email", {
      recipientEmail: { emailAddress: "traced@example.net", emailSettings: { subject: "Hi", body: "Body" } },
    });
    await service.settle();
    const shipment = await api.request("GET", `/future/shipment/${orderId}`);
    expect(shipment.body).toMatchObject({ status: "Order_Completed" });

    const spans = expectOneTrace(orderId, "POST future/orders");
    const names = spans.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "POST future/orders",
        "order registered",
        "publish processOrder",
        "process process-order",
        "ACS send email",
        "notifications Email_Delivered",
        "order Order_Processed",
        "order Order_Completed",
      ]),
    );
    // The order's own subtree starts at its registration, a child of the request span.
    const request = spans.find((s) => s.name === "POST future/orders")!;
    const registered = spans.find((s) => s.name === "order registered")!;
    // Due at once, it is stored already claimed for processing.
    expect(registered.attributes["varsel.order.status"]).toBe("Order_Processing");
    expect(registered.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    // Each queue hop continues the span that published the message (W3C trace context on the message); an
    // email due now is sent by the processing job itself.
    const published = spans.find((s) => s.name === "publish processOrder")!;
    const consumed = spans.find(
      (s) => s.name.startsWith("process ") && s.parentSpanContext?.spanId === published.spanContext().spanId,
    );
    expect(consumed?.attributes["messaging.destination.name"]).toBe("process-order");
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
    const spans = expectOneTrace(orderId, "POST future/orders");
    const names = spans.map((s) => s.name);
    expect(names.some((name) => name.startsWith("LINK send SMS"))).toBe(true);
    expect(names).toEqual(expect.arrayContaining(["notifications SMS_Delivered", "order Order_Completed"]));
    // The report came in a request of its own (the gateway's); the status change it made continues the
    // order's trace from the notification it updated, linked to the report's delivery.
    const delivered = spans.find((s) => s.name === "notifications SMS_Delivered");
    expect(attribute(delivered!, "varsel.notification.count")).toBe(1);
    expect(attribute(delivered!, "varsel.notification.id")).toEqual(expect.any(String));
    const registered = spans.find((s) => s.name === "order registered");
    expect(delivered?.parentSpanContext?.spanId).toBe(registered?.spanContext().spanId);
    expect(linkedTrace(delivered).map((s) => s.name)).toContain("POST delivery-reports/sms");
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
      expect.arrayContaining(["process-order", "delivery-reports"]),
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

    for (const [orderId, route, lane] of [
      [orders[0]!, "POST orders/email", ["process-order-bulk", "send-email-bulk"]],
      [orders[1]!, "POST orders/sms", ["process-order-bulk", "send-sms-bulk"]],
    ] as const) {
      // The request's trace holds every span that names the order: no hop started a trace of its own.
      const spans = expectOneTrace(orderId, route);
      // Each bulk-lane delivery continues the span that published its message.
      const producers = new Set(
        spans.filter((s) => s.kind === SpanKind.PRODUCER).map((s) => s.spanContext().spanId),
      );
      const consumers = spans.filter((s) => s.kind === SpanKind.CONSUMER);
      expect(new Set(consumers.map((s) => attribute(s, "messaging.destination.name")))).toEqual(
        new Set(lane),
      );
      for (const consumer of consumers) expect(producers).toContain(consumer.parentSpanContext?.spanId);
      // The sweeper's completion continues the order's trace from the order it read, linked to the timer run.
      const completion = spans.find((s) => s.name === "order Order_Completed");
      const registered = spans.find((s) => s.name === "order registered");
      expect(completion?.parentSpanContext?.spanId).toBe(registered?.spanContext().spanId);
      const timerRuns = exporter.getFinishedSpans().filter((s) => s.name === "timer sweepOrders");
      expect(timerRuns.map((s) => s.spanContext().spanId)).toContain(completion?.links[0]?.context.spanId);
      // Every notification's delivery report is in it, a span per batch of reports rather than per recipient.
      const delivered = spans.filter((s) => /^notifications (Email|SMS)_Delivered$/.test(s.name));
      expect(delivered.reduce((sum, s) => sum + Number(attribute(s, "varsel.notification.updated")), 0)).toBe(
        recipients,
      );
      expect(delivered.length).toBeLessThan(recipients);
      expect(
        Math.max(...delivered.map((s) => Number(attribute(s, "varsel.notification.count")))),
      ).toBeGreaterThan(1);
    }

    // The email reports came through the batched delivery-report queue; their status changes link to it.
    const reportBatches = new Map(
      exporter
        .getFinishedSpans()
        .filter((s) => s.name === "process delivery-reports")
        .map((s) => [s.spanContext().spanId, s]),
    );
    const emailDelivered = traceOfOrder(orders[0]!).filter((s) => s.name === "notifications Email_Delivered");
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

describe("a bulk order (future/orders/bulk)", () => {
  it("is one trace from the submit request to Order_Completed", async () => {
    const created = await api.request("POST", "/future/orders/bulk", {
      idempotencyId: "trace-bulk",
      sendersReference: "trace-bulk",
      channelSchema: "Email",
      emailSettings: { subject: "Bulk", body: "Bulk" },
    });
    expect(created.status, created.text).toBe(201);
    const orderId = (created.body as { notificationOrderId: string }).notificationOrderId;
    const lines = Array.from({ length: 3 }, (_, i) =>
      JSON.stringify({ emailAddress: `bulkpart${i}@example.net` }),
    );
    const part = await api.request("PUT", `/future/orders/bulk/${orderId}/recipients/1`, lines.join("\n"), {
      "content-type": "application/x-ndjson",
    });
    expect(part.status, part.text).toBe(201);
    const submitted = await api.request("POST", `/future/orders/bulk/${orderId}/submit`);
    expect(submitted.status, submitted.text).toBe(202);
    let status = "";
    for (let round = 0; round < 20 && status !== "Completed"; round += 1) {
      await service.settle();
      await service.host.runTimer("sweepOrders");
      await service.settle();
      service.clock.freeze(new Date(service.clock.now().getTime() + 60_000));
      status = ((await api.request("GET", `/future/orders/bulk/${orderId}`)).body as { status: string })
        .status;
    }
    expect(status).toBe("Completed");

    // The order was registered by the submit request, not by the request that opened the bulk order.
    const spans = expectOneTrace(orderId, "POST future/orders/bulk/{id}/submit");
    const delivered = spans.filter((s) => s.name === "notifications Email_Delivered");
    expect(delivered.reduce((sum, s) => sum + Number(attribute(s, "varsel.notification.updated")), 0)).toBe(
      3,
    );
    // Each delivery report continued the trace from its notification, linked to the report's delivery.
    for (const span of delivered)
      expect(linkedTrace(span).some((s) => s.name === "process delivery-reports")).toBe(true);
  });
});

describe("orders the timers and the instant route move on", () => {
  it("keeps an order released later by the sweeper in its request's trace", async () => {
    const sendAt = new Date(service.clock.now().getTime() + 2 * 3600_000).toISOString();
    const created = await api.request("POST", "/future/orders", {
      idempotencyId: "trace-later",
      requestedSendTime: sendAt,
      recipient: {
        recipientEmail: {
          emailAddress: "later@example.net",
          emailSettings: { subject: "Hi", body: "Later" },
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const orderId = (created.body as { notification: { shipmentId: string } }).notification.shipmentId;
    await service.settle();
    service.clock.freeze(new Date(Date.parse(sendAt) + 60_000));
    await service.host.runTimer("sweepOrders");
    await service.settle();
    const shipment = await api.request("GET", `/future/shipment/${orderId}`);
    expect(shipment.body).toMatchObject({ status: "Order_Completed" });

    // Its one notification holds its status (domain/heldOrders.ts): the feed entry is its completion.
    const spans = expectOneTrace(orderId, "POST future/orders", "feed Order_Completed");
    // The timer's release read the order and published in its trace, linked to the run.
    const release = spans.find((s) => s.name === "publish processOrder");
    const registered = spans.find((s) => s.name === "order registered");
    expect(release?.parentSpanContext?.spanId).toBe(registered?.spanContext().spanId);
    expect(linkedTrace(release).map((s) => s.name)).toContain("timer sweepOrders");
  });

  it("keeps an instant email, sent while its request waits, in the request's trace", async () => {
    const sent = await api.request("POST", "/future/orders/instant/email", {
      idempotencyId: "trace-instant",
      recipientEmail: {
        emailAddress: "instant@example.net",
        emailSettings: { subject: "Code", body: "Code" },
      },
    });
    expect(sent.status, sent.text).toBe(201);
    const orderId = (sent.body as { notification: { shipmentId: string } }).notification.shipmentId;
    await service.settle();
    // Its delivery report completes it, in the same trace.
    const spans = expectOneTrace(orderId, "POST future/orders/instant/email");
    expect(spans.map((s) => s.name)).toEqual(
      expect.arrayContaining(["ACS send email", "notification Email_Succeeded", "order Order_Processed"]),
    );
  });
});
