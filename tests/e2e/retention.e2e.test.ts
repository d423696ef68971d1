import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCosmosClient } from "../../shared/adapters/cosmos/client";
import { CosmosDeadDeliveryReports } from "../../shared/adapters/cosmos/cosmosDeadDeliveryReports";
import { defaultRetentionPolicy, RetentionRules } from "../../shared/domain/retention";
import { embeddedCosmosKey } from "../../shared/local/embeddedCosmos";
import type { LocalService } from "../../shared/local/localService";
import { containers } from "../../shared/platform/resources";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

const tenant = "991825827";
/** Monday 23 November 2026, 10:00 in Oslo. */
const monday10 = "2026-11-23T09:00:00.000Z";
const dayMs = 86_400_000;

/** Every container whose documents hold personal data or point to it; the register copy is not aged out. */
const personalDataContainers = [
  containers.orders.name,
  containers.notifications.name,
  containers.deliveryReferences.name,
  containers.statusFeed.name,
  containers.deadDeliveryReports.name,
];

type StoredDocument = Record<string, unknown> & { id: string };

describe("retention: every document with personal data expires, and local mode deletes it", () => {
  let service: LocalService;
  let api: ApiClient;
  let database: Database;
  let dispose: () => void;

  beforeAll(async () => {
    service = await startCompiledService();
    service.clock.freeze(monday10);
    api = apiClient(service.host.apiUrl, await localToken(tenant));
    const client = createCosmosClient({
      endpoint: service.cosmosEndpoint,
      key: embeddedCosmosKey,
      database: "varsel",
    });
    database = client.database(process.env["COSMOS_DATABASE"] || "varsel");
    dispose = () => client.dispose();
  });
  afterAll(async () => {
    dispose?.();
    await service?.close();
  });

  const all = async (container: string) =>
    (await database.container(container).items.query<StoredDocument>("SELECT * FROM c").fetchAll()).resources;

  let sequence = 0;
  async function order(recipient: unknown, extra: Record<string, unknown> = {}): Promise<string> {
    sequence += 1;
    const response = await api.request("POST", "/future/orders", {
      idempotencyId: `retention-${sequence}`,
      recipient,
      ...extra,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return (response.body as { notification: { shipmentId: string } }).notification.shipmentId;
  }
  const emailSettings = { subject: "Subject", body: "Body" };
  const smsSettings = { body: "SMS", sendingTimePolicy: "Anytime" };

  async function feedSequenceNumbers(): Promise<number[]> {
    const response = await api.request("GET", "/future/shipment/feed?seq=0&pageSize=500&allTransitions=true");
    expect(response.status).toBe(200);
    return (response.body as Array<{ sequenceNumber: number }>).map((e) => e.sequenceNumber);
  }

  let scheduledId: string;
  let highestBefore: number;

  it("writes every order, notification, reference, feed entry and dead report with a TTL", async () => {
    await order({ recipientEmail: { emailAddress: "retention@example.net", emailSettings } });
    await order({ recipientSms: { phoneNumber: "+4798765400", smsSettings } });
    await order({
      recipientPerson: { nationalIdentityNumber: "15838510075", channelSchema: "Email", emailSettings },
    });
    await order({
      recipientOrganization: { orgNumber: "310000027", channelSchema: "Email", emailSettings },
    });
    const inThirtyDays = new Date(Date.parse(monday10) + 30 * dayMs).toISOString();
    scheduledId = await order(
      { recipientEmail: { emailAddress: "later@example.net", emailSettings } },
      { requestedSendTime: inThirtyDays },
    );
    await service.settle();
    const dead = new CosmosDeadDeliveryReports(
      database.container(containers.deadDeliveryReports.name),
      new RetentionRules(defaultRetentionPolicy, service.clock),
    );
    await dead.save({
      id: "report-1",
      channel: "sms",
      reason: "INVALID_REPORT",
      payload: { phoneNumber: "+4798765400" },
      firstSeen: monday10,
      lastAttempt: monday10,
      resolved: false,
    });

    for (const name of personalDataContainers) {
      const documents = await all(name);
      expect(documents.length, name).toBeGreaterThan(0);
      for (const document of documents) {
        if (document["docType"] === "sequence") {
          // The feed's sequence marker holds a tenant and a number only, and must outlive every entry.
          expect(Object.keys(document).filter((k) => !k.startsWith("_"))).toEqual(
            expect.arrayContaining(["id", "docType", "creator", "highest", "ttl"]),
          );
          expect(document["ttl"]).toBe(-1);
          continue;
        }
        expect(document["ttl"], `${name} ${String(document["docType"] ?? "")}`).toEqual(expect.any(Number));
        expect(document["ttl"]).toBeGreaterThan(0);
        expect(Date.parse(String(document["retainUntil"]))).toBeGreaterThan(Date.parse(monday10));
      }
    }
    const scheduled = (await all(containers.orders.name)).find((d) => d.id === scheduledId);
    // An order that has not run yet is kept until it cannot be running any more, plus the retention.
    expect(Date.parse(String(scheduled?.["retainUntil"]))).toBeGreaterThanOrEqual(
      Date.parse(monday10) + (30 + 14 + defaultRetentionPolicy.orderDays) * dayMs,
    );
    highestBefore = Math.max(...(await feedSequenceNumbers()));
    expect(highestBefore).toBeGreaterThan(0);
  });

  it("deletes nothing before the retention has passed", async () => {
    service.clock.advance(defaultRetentionPolicy.deadReportDays * dayMs - 60_000);
    expect(await service.expireDocuments()).toEqual({});
  });

  it("deletes finished orders, their notifications and the feed once the retention has passed, not the register", async () => {
    const registryBefore = (await all(containers.registry.name)).length;
    service.clock.freeze(new Date(Date.parse(monday10) + (defaultRetentionPolicy.orderDays + 5) * dayMs));
    const deleted = await service.expireDocuments();
    expect(deleted).toMatchObject({
      [containers.orders.name]: expect.any(Number),
      [containers.notifications.name]: expect.any(Number),
      [containers.deliveryReferences.name]: expect.any(Number),
      [containers.statusFeed.name]: expect.any(Number),
      [containers.deadDeliveryReports.name]: 1,
    });
    expect((await all(containers.orders.name)).map((d) => d.id)).toEqual([scheduledId]);
    expect(await all(containers.notifications.name)).toEqual([]);
    expect(await all(containers.deliveryReferences.name)).toEqual([]);
    expect(await all(containers.deadDeliveryReports.name)).toEqual([]);
    expect((await all(containers.statusFeed.name)).map((d) => d["docType"])).toEqual(["sequence"]);
    expect(await all(containers.registry.name)).toHaveLength(registryBefore);
  });

  it("numbers the feed on after every entry expired, so a reader's cursor still finds new entries", async () => {
    await order({ recipientEmail: { emailAddress: "after@example.net", emailSettings } });
    await service.settle();
    const numbers = await feedSequenceNumbers();
    expect(numbers.length).toBeGreaterThan(0);
    expect(Math.min(...numbers)).toBe(highestBefore + 1);
  });

  it("deletes an order that never ran once it can no longer be running", async () => {
    service.clock.freeze(
      new Date(Date.parse(monday10) + (30 + 14 + defaultRetentionPolicy.orderDays + 1) * dayMs),
    );
    await service.expireDocuments();
    expect((await all(containers.orders.name)).map((d) => d.id)).not.toContain(scheduledId);
  });
});
