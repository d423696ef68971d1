import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "@azure/cosmos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCosmosClient } from "../../shared/adapters/cosmos/client";
import { CosmosDeadDeliveryReports } from "../../shared/adapters/cosmos/cosmosDeadDeliveryReports";
import { defaultRetentionPolicy, RetentionRules } from "../../shared/domain/retention";
import { embeddedCosmosKey } from "../../shared/local/embeddedCosmos";
import type { LocalService } from "../../shared/local/localService";
import { containers, type ContainerKey } from "../../shared/platform/resources";
import {
  apiClient,
  localToken,
  projectRoot,
  startCompiledService,
  type ApiClient,
} from "../support/localService";
import { WebhookReceiver } from "../support/webhookReceiver";

const tenant = "991825827";
/** Monday 23 November 2026, 10:00 in Oslo. */
const monday10 = "2026-11-23T09:00:00.000Z";
const dayMs = 86_400_000;

/**
 * Every container, by what it keeps: a container added to shared/platform/resources.ts does not compile here
 * until someone decides. "per item": its documents hold personal data or point to it, and each carries a TTL.
 */
const containerRetention: Record<ContainerKey, "per item" | "register copy" | "no personal data"> = {
  orders: "per item",
  notifications: "per item",
  deliveryReferences: "per item",
  statusFeed: "per item",
  webhooks: "per item",
  deadDeliveryReports: "per item",
  // Kept current by the sources' snapshots and deltas (docs/registry-format.md), never aged out.
  registry: "register copy",
  // Token buckets and counters per provider and organisation.
  rateBuckets: "no personal data",
};
const personalDataContainers: string[] = (Object.keys(containerRetention) as ContainerKey[])
  .filter((key) => containerRetention[key] === "per item")
  .map((key) => containers[key].name);

/** Document types in "per item" containers that hold no personal data, and so are kept without a TTL. */
const docTypesWithoutTtl: Record<string, string> = {
  template: "a service owner's texts with placeholders, named and versioned; no recipient",
  subscription: "an organisation's webhook URL, events and secrets",
  sequence: "the feed's highest sequence number (ttl -1: numbering must outlive every entry)",
  releaseCursor: "how far the sweeper has released orders: a send time and an order id, no recipient",
};

/** Every `docType` the code writes, read from the sources, so a new document type cannot be missed here. */
function docTypesInCode(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts"))
        for (const [, name] of readFileSync(path, "utf8").matchAll(/docType: (?:z\.literal\()?"(\w+)"/g))
          if (name) found.add(name);
    }
  };
  walk(join(projectRoot, "shared"));
  return found;
}

type StoredDocument = Record<string, unknown> & { id: string };

/** Every document the embedded store wrote, as written (its journal: one post-image per create, replace, upsert). */
function journalWrites(dataDir: string): Array<{ container: string; document: StoredDocument }> {
  const writes: Array<{ container: string; document: StoredDocument }> = [];
  for (const file of readdirSync(dataDir)
    .filter((f) => /^cosmos\.journal\.\d+\.ndjson$/.test(f))
    .sort()) {
    for (const line of readFileSync(join(dataDir, file), "utf8").split("\n")) {
      if (!line) continue;
      const record = JSON.parse(line) as { in?: string[]; put?: StoredDocument };
      const container = record.in?.[1];
      if (container && record.put) writes.push({ container, document: record.put });
    }
  }
  return writes;
}

describe("retention: every document with personal data expires, and local mode deletes it", () => {
  let service: LocalService;
  let api: ApiClient;
  let database: Database;
  let dispose: () => void;
  let receiver: WebhookReceiver;
  // Kept on disk so the store's journal shows every write, not only each document's last state.
  const dataDir = mkdtempSync(join(tmpdir(), "varsel-retention-"));

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
    service = await startCompiledService({ dataDir });
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
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
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

  /** A bulk order of `count` email recipients (parts, batches), run to completion. */
  async function bulkOrder(count: number): Promise<void> {
    const created = await api.request("POST", "/future/orders/bulk", {
      idempotencyId: "retention-bulk",
      channelSchema: "Email",
      emailSettings,
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { notificationOrderId: string }).notificationOrderId;
    const lines = Array.from({ length: count }, (_, i) =>
      JSON.stringify({ emailAddress: `bulk${i}@example.net` }),
    );
    const uploaded = await api.request("PUT", `/future/orders/bulk/${id}/recipients/1`, lines.join("\n"), {
      "content-type": "application/x-ndjson",
    });
    expect(uploaded.status, uploaded.text).toBe(201);
    expect((await api.request("POST", `/future/orders/bulk/${id}/submit`)).status).toBe(202);
    for (let round = 0; round < 20; round += 1) {
      await service.host.runTimer("sweepOrders");
      await service.settle();
      if (
        service.outbox.list().filter((m) => String((m as { to?: string }).to).startsWith("bulk")).length ===
        count
      )
        return;
    }
    throw new Error("the bulk order was not sent");
  }

  let scheduledId: string;
  let highestBefore: number;

  it("writes every order, notification, reference, feed entry and dead report with a TTL", async () => {
    // A webhook subscription whose receiver is down at first: deliveries are written pending, then delivered.
    const subscription = await api.request("POST", "/webhooks/subscriptions", {
      url: receiver.url,
      events: ["order.status", "recipient.status"],
    });
    expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
    receiver.down = true;
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
    await bulkOrder(12);
    await service.settle();
    await service.host.runTimer("dispatchWebhooks");
    expect(receiver.requests.length).toBeGreaterThan(0);
    const dead = new CosmosDeadDeliveryReports(
      database.container(containers.deadDeliveryReports.name),
      new RetentionRules(defaultRetentionPolicy, () => service.clock.now()),
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

    receiver.down = false;
    service.clock.advance(5_000); // the first retry
    await service.host.runTimer("dispatchWebhooks");
    await service.host.runTimer("dispatchWebhooks");
    expect(receiver.accepted.length).toBeGreaterThan(0);

    for (const name of personalDataContainers) {
      const documents = (await all(name)).filter((d) => !(String(d["docType"]) in docTypesWithoutTtl));
      if (name === containers.webhooks.name)
        expect((await all(name)).filter((d) => d["docType"] === "subscription")).toHaveLength(1);
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

  it("wrote every document type the code defines, and every write of one with personal data carried a TTL", () => {
    const writes = journalWrites(dataDir).filter(({ container }) =>
      personalDataContainers.includes(container),
    );
    const withTtl = writes.filter(({ document }) => !(String(document["docType"]) in docTypesWithoutTtl));
    // Each write, not only the last: a pending delivery or an uploaded part is personal data from its first write.
    const missing = withTtl
      .filter(({ document }) => {
        const ttl = document["ttl"];
        return !(
          typeof ttl === "number" &&
          ttl > 0 &&
          !Number.isNaN(Date.parse(String(document["retainUntil"])))
        );
      })
      .map(({ container, document }) => `${container} ${String(document["docType"] ?? "")} ${document.id}`);
    expect(missing).toEqual([]);

    const written = new Set(writes.map(({ document }) => String(document["docType"])));
    const fromCode = [...docTypesInCode()];
    expect(fromCode.length).toBeGreaterThan(5);
    // A new document type must be written by this test (so its TTL is checked) or named as holding no personal data.
    expect(fromCode.filter((type) => !(type in docTypesWithoutTtl) && !written.has(type))).toEqual([]);
    expect(Object.keys(docTypesWithoutTtl).filter((type) => !fromCode.includes(type))).toEqual([]);
    for (const name of personalDataContainers)
      expect(withTtl.filter((w) => w.container === name).length, name).toBeGreaterThan(0);
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
      [containers.webhooks.name]: expect.any(Number),
    });
    // What stays: the order that never ran, and a large order's parts and batches, kept as data beside an
    // unfinished order (send time + 14 days + the retention) because they are written before it is final.
    const left = await all(containers.orders.name);
    expect(left.filter((d) => d.id !== scheduledId).map((d) => d["docType"])).toEqual(
      expect.not.arrayContaining(["order"]),
    );
    expect(left.map((d) => d.id)).toContain(scheduledId);
    for (const document of left.filter((d) => d.id !== scheduledId))
      expect(Date.parse(String(document["retainUntil"]))).toBeLessThanOrEqual(
        Date.parse(monday10) + (14 + defaultRetentionPolicy.orderDays) * dayMs + 60_000,
      );
    expect((await all(containers.webhooks.name)).map((d) => d["docType"])).toEqual(["subscription"]);
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
    const left = await all(containers.orders.name);
    expect(left.map((d) => d.id)).not.toContain(scheduledId);
    // Only the order made after the first expiry (and its own documents) is still there.
    expect(left.map((d) => d["docType"])).toEqual(["order"]);
  });
});
