import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookPayload } from "../../shared/domain/webhooks";
import type { LocalService } from "../../shared/local/localService";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";
import { WebhookReceiver } from "../support/webhookReceiver";

let service: LocalService;
let api: ApiClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
  service = await startCompiledService();
  service.clock.freeze("2026-11-23T10:00:00.000Z");
  api = apiClient(service.host.apiUrl, await localToken("991825827"));
  receiver = new WebhookReceiver();
  await receiver.start();
});
afterAll(async () => {
  await service?.close();
  await receiver?.close();
});

describe("status webhooks through the compiled service", () => {
  it("delivers every transition of a set of orders once, signed, to a receiver that was down at first", async () => {
    const created = await api.request("POST", "/webhooks/subscriptions", {
      url: receiver.url,
      events: ["order.status", "recipient.status"],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    receiver.secrets = [(created.body as { secret: string }).secret];

    const shipments: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await api.request("POST", "/future/orders", {
        idempotencyId: `webhook-e2e-${i}`,
        recipient: {
          recipientEmail: {
            emailAddress: `person${i}@example.org`,
            emailSettings: { subject: "S", body: "B" },
          },
        },
      });
      expect(response.status).toBe(201);
      shipments.push((response.body as { notification: { shipmentId: string } }).notification.shipmentId);
    }
    await service.settle();

    receiver.down = true;
    await service.host.runTimer("dispatchWebhooks");
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.accepted).toHaveLength(0);

    receiver.down = false;
    service.clock.advance(5_000); // the first retry
    await service.host.runTimer("dispatchWebhooks");
    await service.host.runTimer("dispatchWebhooks");

    expect(receiver.badSignatures).toEqual([]);
    const accepted = receiver.accepted.map((a) => ({ id: a.id, payload: a.body as WebhookPayload }));
    expect(new Set(accepted.map((a) => a.id)).size).toBe(accepted.length);
    const feed = await api.request("GET", "/future/shipment/feed?seq=0&allTransitions=true");
    const transitions = (feed.body as Array<{ shipmentId: string; status: string }>).map(
      (e) => `${e.shipmentId} ${e.status}`,
    );
    const orderEvents = accepted.filter((a) => a.payload.type === "order.status");
    expect(orderEvents.map((a) => `${a.payload.data.shipmentId} ${a.payload.data.status}`).sort()).toEqual(
      transitions.sort(),
    );
    for (const shipmentId of shipments) {
      expect(transitions).toContain(`${shipmentId} Order_Processed`);
      expect(transitions).toContain(`${shipmentId} Order_Completed`);
      const recipientEvents = accepted.filter(
        (a) => a.payload.type === "recipient.status" && a.payload.data.shipmentId === shipmentId,
      );
      expect(recipientEvents.map((a) => a.payload.data.status)).toEqual(["Email_Delivered"]);
    }
  });

  it("lists only final outcomes in the feed of a tenant without an order.status subscription", async () => {
    const other = apiClient(service.host.apiUrl, await localToken("987654325"));
    const response = await other.request("POST", "/future/orders", {
      idempotencyId: "webhook-e2e-unsubscribed",
      recipient: {
        recipientEmail: { emailAddress: "someone@example.org", emailSettings: { subject: "S", body: "B" } },
      },
    });
    expect(response.status).toBe(201);
    const { shipmentId } = (response.body as { notification: { shipmentId: string } }).notification;
    await service.settle();

    const feed = await other.request("GET", "/future/shipment/feed?seq=0&allTransitions=true");
    expect((feed.body as Array<{ shipmentId: string; status: string }>).map((e) => e.status)).toEqual([
      "Order_Completed",
    ]);
    const shipment = await other.request("GET", `/future/shipment/${shipmentId}`);
    expect((shipment.body as { status: string }).status).toBe("Order_Completed");

    // Once it subscribes to order.status, its next order's transitions are in the feed at once.
    const subscribed = await other.request("POST", "/webhooks/subscriptions", {
      url: receiver.url,
      events: ["order.status"],
    });
    expect(subscribed.status).toBe(201);
    const next = await other.request("POST", "/future/orders", {
      idempotencyId: "webhook-e2e-subscribed-later",
      recipient: {
        recipientEmail: { emailAddress: "someone@example.org", emailSettings: { subject: "S", body: "B" } },
      },
    });
    const nextId = (next.body as { notification: { shipmentId: string } }).notification.shipmentId;
    await service.settle();
    const after = await other.request("GET", "/future/shipment/feed?seq=0&allTransitions=true");
    expect(
      (after.body as Array<{ shipmentId: string; status: string }>)
        .filter((e) => e.shipmentId === nextId)
        .map((e) => e.status),
    ).toEqual(["Order_Processing", "Order_Processed", "Order_Completed"]);
  });
});
