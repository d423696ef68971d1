import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCosmosClient } from "../../shared/adapters/cosmos/client";
import { upsertRegistryDocuments } from "../../shared/adapters/cosmos/cosmosContactRegistry";
import { embeddedCosmosKey } from "../../shared/local/embeddedCosmos";
import type { LocalService } from "../../shared/local/localService";
import { containers } from "../../shared/platform/resources";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";
import { captureProcessOutput, leaksIn, type OutputCapture } from "../support/personalDataScan";
import { WebhookReceiver } from "../support/webhookReceiver";

const tenant = "991825827";
const kari = "15838510075";
const kariEmail = "kari.nordmann@example.com";
const kariMobile = "+4799000001";
/** Kari as a user of an organisation, with a contact point of her own there and a role that grants read. */
const kariAtWork = "kari.jobb@example.com";
const employer = "310000019";
const operatorScope = "altinn:notifications.support.admin";
/** Monday 23 November 2026, 10:00 in Oslo. */
const monday10 = "2026-11-23T09:00:00.000Z";

describe("erasure: an operator removes everything stored about one national identity number", () => {
  let service: LocalService;
  let api: ApiClient;
  let operator: ApiClient;
  let database: Database;
  let dispose: () => void;
  let output: OutputCapture;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    output = captureProcessOutput();
    receiver = new WebhookReceiver();
    await receiver.start();
    service = await startCompiledService();
    service.clock.freeze(monday10);
    api = apiClient(service.host.apiUrl, await localToken(tenant));
    operator = apiClient(service.host.apiUrl, await localToken(tenant, operatorScope));
    const client = createCosmosClient({
      endpoint: service.cosmosEndpoint,
      key: embeddedCosmosKey,
      database: "varsel",
    });
    database = client.database(process.env["COSMOS_DATABASE"] || "varsel");
    dispose = () => client.dispose();
  });
  afterAll(async () => {
    output?.stop();
    dispose?.();
    await service?.close();
    await receiver?.close();
  });

  /** Everything in every container, so a store added later is searched too. */
  const stored = async () => {
    const names = Object.values(containers).map((c) => c.name);
    const all = await Promise.all(
      names.map(
        async (name) => (await database.container(name).items.query("SELECT * FROM c").fetchAll()).resources,
      ),
    );
    return JSON.stringify(all);
  };
  type Kept = { id: string; _etag: string; ttl?: number; retainUntil?: string };
  const documents = async () =>
    (
      await Promise.all(
        Object.values(containers).map(async (c) =>
          // An id is unique in its container only (an order's one email may share the order's id).
          (await database.container(c.name).items.query<Kept>("SELECT * FROM c").fetchAll()).resources.map(
            (d) => ({ ...d, key: `${c.name}/${d.id}` }),
          ),
        ),
      )
    ).flat();

  let orderIds: string[] = [];

  it("finds the person in orders, bulk parts, notifications, the feed, webhook deliveries and the register before", async () => {
    const subscription = await api.request("POST", "/webhooks/subscriptions", {
      url: receiver.url,
      events: ["order.status", "recipient.status"],
    });
    expect(subscription.status).toBe(201);
    await upsertRegistryDocuments(database.container(containers.registry.name), {
      persons: [],
      organizations: [],
      userContactPoints: [
        {
          organizationNumber: employer,
          userId: "kari-user",
          nationalIdentityNumber: kari,
          email: kariAtWork,
          resources: ["urn:altinn:resource:sample-service"],
        },
      ],
      roleAssignments: [
        { organizationNumber: employer, userId: "kari-user", nationalIdentityNumber: kari, roles: ["DAGL"] },
      ],
    });
    const toEmployer = await api.request("POST", "/future/orders", {
      idempotencyId: "erasure-organisation",
      recipient: {
        recipientOrganization: {
          orgNumber: employer,
          resourceId: "urn:altinn:resource:sample-service",
          channelSchema: "Email",
          emailSettings: { subject: "Til virksomheten", body: "Hei" },
        },
      },
    });
    expect(toEmployer.status, toEmployer.text).toBe(201);
    const chain = await api.request("POST", "/future/orders", {
      idempotencyId: "erasure-1",
      recipient: {
        recipientPerson: {
          nationalIdentityNumber: kari,
          channelSchema: "EmailAndSms",
          emailSettings: { subject: "Til $recipientName$", body: "Hei $recipientName$" },
          smsSettings: { body: "Hei", sendingTimePolicy: "Anytime" },
        },
      },
    });
    expect(chain.status).toBe(201);
    const legacy = await api.request("POST", "/orders/email", {
      subject: "Legacy",
      body: "Body",
      recipients: [{ nationalIdentityNumber: kari }, { emailAddress: "someone.else@example.net" }],
    });
    expect(legacy.status).toBe(202);
    const bulk = await api.request("POST", "/future/orders/bulk", {
      idempotencyId: "erasure-bulk",
      channelSchema: "Email",
      emailSettings: { subject: "Bulk", body: "Body" },
    });
    expect(bulk.status).toBe(201);
    const bulkId = (bulk.body as { notificationOrderId: string }).notificationOrderId;
    const part = await api.request(
      "PUT",
      `/future/orders/bulk/${bulkId}/recipients/1`,
      `${JSON.stringify({ nationalIdentityNumber: kari })}\n${JSON.stringify({ emailAddress: "bulk.other@example.net" })}`,
      { "content-type": "application/x-ndjson" },
    );
    expect(part.status, part.text).toBe(201);
    expect((await api.request("POST", `/future/orders/bulk/${bulkId}/submit`)).status).toBe(202);
    orderIds = [
      (chain.body as { notification: { shipmentId: string } }).notification.shipmentId,
      (legacy.body as { orderId: string }).orderId,
      bulkId,
    ];
    for (let round = 0; round < 10; round += 1) {
      await service.host.runTimer("sweepOrders");
      await service.settle();
    }
    await service.host.runTimer("dispatchWebhooks");
    expect(receiver.accepted.length).toBeGreaterThan(0);
    const before = await stored();
    for (const value of [kari, kariEmail, kariMobile, kariAtWork, "Kari Nordmann"])
      expect(before).toContain(value);
  });

  it("is refused without the operator scope, and for a number that is not one", async () => {
    expect((await api.request("POST", "/operations/erasure", { nationalIdentityNumber: kari })).status).toBe(
      403,
    );
    const bad = await operator.request("POST", "/operations/erasure", {
      nationalIdentityNumber: "15838510076",
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: { nationalIdentityNumber: [expect.any(String)] } });
  });

  it("anonymises the orders' rows, notifications and feed, deletes the register entry, and says so", async () => {
    // A day later: an anonymised document must still go when it would have (Cosmos counts ttl from each write).
    service.clock.advance(86_400_000);
    const before = new Map((await documents()).map((d) => [d.key, d]));
    const response = await operator.request("POST", "/operations/erasure", { nationalIdentityNumber: kari });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      recipientRows: 3,
      notifications: 5,
      statusFeedEntries: expect.any(Number),
      webhookDeliveries: expect.any(Number),
      registry: { persons: 1, userContactPoints: 1, roleAssignments: 1 },
    });
    const report = response.body as {
      orderIds: string[];
      statusFeedEntries: number;
      webhookDeliveries: number;
    };
    expect(report.orderIds.sort()).toEqual([...orderIds].sort());
    expect(report.statusFeedEntries).toBeGreaterThan(0);
    expect(report.webhookDeliveries).toBeGreaterThan(0);

    const after = await stored();
    for (const value of [kari, kariEmail, kariMobile, kariAtWork, "Kari Nordmann"])
      expect(after).not.toContain(value);
    // The other recipient of the legacy order, and the orders' statuses, are kept.
    expect(after).toContain("someone.else@example.net");
    expect(after).toContain("bulk.other@example.net");
    const rewritten = (await documents()).filter((d) => before.get(d.key)?._etag !== d._etag);
    expect(rewritten.length).toBeGreaterThan(report.orderIds.length);
    for (const document of rewritten.filter((d) => d.retainUntil !== undefined)) {
      expect(document.retainUntil, document.key).toBe(before.get(document.key)?.retainUntil);
      const deletedAt = service.clock.now().getTime() + (document.ttl ?? 0) * 1000;
      expect(Math.abs(deletedAt - Date.parse(String(document.retainUntil))), document.id).toBeLessThan(2_000);
    }
    const shipment = await api.request("GET", `/future/shipment/${orderIds[0]}`);
    expect(shipment.body).toMatchObject({ status: "Order_Completed" });
  });

  it("finds nothing more the second time", async () => {
    const again = await operator.request("POST", "/operations/erasure", { nationalIdentityNumber: kari });
    expect(again.body).toEqual({
      orderIds: [],
      recipientRows: 0,
      notifications: 0,
      statusFeedEntries: 0,
      webhookDeliveries: 0,
      registry: { persons: 0, userContactPoints: 0, roleAssignments: 0 },
    });
  });

  it("printed none of the person's data", () => {
    expect(leaksIn(output.text(), [kari, kariEmail, kariMobile, kariMobile.slice(3), kariAtWork])).toEqual(
      [],
    );
  });
});
