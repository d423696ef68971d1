import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import type { QueueKey } from "../../shared/platform/resources";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

/** Monday 23 November 2026, 10:00 in Oslo: inside the daytime window. */
const monday10 = "2026-11-23T09:00:00.000Z";

let service: LocalService;
let api: ApiClient;
/** Every message published, by queue and the order it belongs to (its correlation id). */
const published: Array<{ queue: QueueKey; orderId: string | undefined }> = [];

beforeAll(async () => {
  service = await startCompiledService();
  service.clock.freeze(monday10);
  api = apiClient(service.host.apiUrl, await localToken("991825827"));
  const publish = service.broker.publish.bind(service.broker);
  service.broker.publish = (queue, messages) => {
    published.push(...messages.map((m) => ({ queue, orderId: m.correlationId })));
    return publish(queue, messages);
  };
});
afterAll(() => service?.close());

const queuesOf = (orderId: string) =>
  [...new Set(published.filter((p) => p.orderId === orderId).map((p) => p.queue))].sort();

/** Accepted: 201 on the future routes, 202 on the legacy ones, as in Altinn. */
async function post(path: string, body: unknown, status = 201): Promise<unknown> {
  const response = await api.request("POST", path, body);
  expect(response.status, response.text).toBe(status);
  return response.body;
}

describe("lanes through the local host", () => {
  it("sends a bulk order on the bulk queues and single orders due now from the priority queue, all delivered", async () => {
    const bulk = (await post(
      "/orders/email",
      {
        subject: "Skattemeldingen",
        body: "Skattemeldingen er klar.",
        recipients: Array.from({ length: 150 }, (_, i) => ({ emailAddress: `bulk${i}@example.com` })),
      },
      202,
    )) as { orderId: string };
    const email = (await post("/future/orders", {
      idempotencyId: "lanes-email",
      recipient: {
        recipientEmail: {
          emailAddress: "single@example.com",
          emailSettings: { subject: "Hei", body: "Hei" },
        },
      },
    })) as { notification: { shipmentId: string } };
    const sms = (await post("/future/orders", {
      idempotencyId: "lanes-sms",
      recipient: {
        recipientSms: {
          phoneNumber: "+4798765432",
          smsSettings: { body: "Hei", sendingTimePolicy: "Anytime" },
        },
      },
    })) as { notification: { shipmentId: string } };
    await service.host.runTimer("sweepOrders"); // the legacy order is released by the sweeper
    await service.settle();

    expect(queuesOf(bulk.orderId)).toEqual(["processOrderBulk", "sendEmailBulk"]);
    // A single order due now is sent by its processing job: no send message at all.
    expect(queuesOf(email.notification.shipmentId)).toEqual(["processOrder"]);
    expect(queuesOf(sms.notification.shipmentId)).toEqual(["processOrder"]);
    const outbox = service.outbox.list();
    expect(outbox.filter((m) => m.to.startsWith("bulk"))).toHaveLength(150);
    expect(outbox.filter((m) => m.to === "single@example.com")).toHaveLength(1);
    expect(outbox.filter((m) => m.to === "+4798765432" || m.to === "4798765432")).toHaveLength(1);
  });
});
