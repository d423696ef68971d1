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

beforeAll(async () => {
  service = await startCompiledService();
  stopExporting = service.telemetry.addExporter(exporter);
  service.clock.freeze(monday10);
  api = apiClient(service.host.apiUrl, await localToken(tenant));
});
afterAll(async () => {
  stopExporting?.();
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
});
