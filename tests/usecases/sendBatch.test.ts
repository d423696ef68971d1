import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CosmosContactRegistry } from "../../shared/adapters/cosmos/cosmosContactRegistry";
import { abandonedSendMs, lostSendGraceMs } from "../../shared/domain/recoveryTimes";
import { defaultSendingWindow } from "../../shared/domain/sendingWindow";
import { transient } from "../../shared/errors";
import { containers } from "../../shared/platform/resources";
import type { NotificationStore } from "../../shared/ports/notificationStore";
import type { EmailMessage, EmailSendOutcome } from "../../shared/ports/emailSender";
import { processOrder } from "../../shared/usecases/processOrder";
import { sendBatch } from "../../shared/usecases/sendBatch";
import { sweepOrders } from "../../shared/usecases/sweepOrders";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleOrder } from "../support/orders";
import { cosmosStores, ManualClock, RecordingPublisher } from "../support/pipeline";

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
let contacts: CosmosContactRegistry;
let publisher: RecordingPublisher;
const t0 = "2026-11-23T09:00:00.000Z"; // Monday 10:00 in Oslo
const clock = new ManualClock(new Date(t0));
let handed: EmailMessage[];
/** What the provider answers to each email in turn; accepted under its own operation id when empty. */
let script: Array<(m: EmailMessage) => EmailSendOutcome>;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());
beforeEach(async () => {
  const database = await cosmos.freshDatabase();
  stores = cosmosStores(database);
  contacts = new CosmosContactRegistry(database.container(containers.registry.name));
  publisher = new RecordingPublisher();
  handed = [];
  script = [];
  clock.set(t0);
});

const deps = () => ({
  ...stores,
  contacts,
  publisher,
  clock,
  conditions: { check: async () => ({ outcome: "send" as const }) },
  sendingWindow: defaultSendingWindow,
  emailSender: {
    send: async (m: EmailMessage): Promise<EmailSendOutcome> => {
      handed.push(m);
      const step = script.shift();
      return step ? step(m) : { outcome: "accepted", operationId: m.notificationId };
    },
  },
  smsSender: {
    send: async () => ({ outcome: "accepted" as const, gatewayReference: "gw" }),
    sendMany: async (ms: unknown[]) =>
      ms.map(() => ({ outcome: "accepted" as const, gatewayReference: "gw" })),
  },
});

async function emailOrder(count: number) {
  const order = sampleOrder({
    requestedSendTime: t0,
    status: "Processing",
    leaseUntil: "2026-11-23T09:10:00.000Z",
    releaseCount: 1,
    recipients: Array.from({ length: count }, (_, i) => ({ emailAddress: `person${i}@example.com` })),
  });
  await stores.orders.createOrder(order);
  return order;
}

/** Delivers every batch message published so far on the queue (each once), as the broker would. */
async function deliverBatches(from = 0, queue: "sendEmail" | "sendEmailBulk" = "sendEmail") {
  const messages = publisher.on(queue).slice(from);
  for (const m of messages)
    await sendBatch(deps(), m.body as { orderId: string; batchId: string; attempt: number });
  return messages.length;
}

describe("fan-out in batches", () => {
  it("sends a 250-recipient order with three batch messages, each email handed over once even when a message comes twice", async () => {
    const order = await emailOrder(250);
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    const messages = publisher.on("sendEmailBulk");
    expect(messages).toHaveLength(3);
    expect(messages.every((m) => "batchId" in (m.body as object))).toBe(true);

    await deliverBatches(0, "sendEmailBulk");
    await deliverBatches(0, "sendEmailBulk"); // every message a second time
    expect(handed).toHaveLength(250);
    expect(new Set(handed.map((m) => m.to)).size).toBe(250);
    const stored = await stores.notifications.listByOrder(order.id);
    expect(stored.every((n) => n.status === "Succeeded")).toBe(true);
  });

  it("resumes a fan-out from its checkpoint after the process died, creating nothing twice", async () => {
    const order = await emailOrder(1200);
    let creates = 0;
    const dying: NotificationStore = Object.create(stores.notifications) as NotificationStore;
    dying.createMany = async (notifications) => {
      creates += 1;
      if (creates === 2) throw new Error("the process died");
      return stores.notifications.createMany(notifications);
    };
    await expect(
      processOrder({ ...deps(), notifications: dying }, { orderId: order.id, conditionAttempt: 1 }),
    ).rejects.toThrow("died");
    expect((await stores.orders.getOrder(order.id))?.fanout).toEqual({ nextRecipient: 500 });

    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    const stored = await stores.notifications.listByOrder(order.id);
    expect(stored).toHaveLength(1200);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Processed");
    // Each batch message once (the broker drops the repeats of the resumed chunk by message id).
    const ids = publisher.on("sendEmailBulk").map((m) => m.messageId);
    expect(new Set(ids).size).toBe(12);
  });

  it("puts a throttled batch back after Retry-After and sends only what was not sent", async () => {
    const order = await emailOrder(20);
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    const accepted = (m: EmailMessage) => ({ outcome: "accepted" as const, operationId: m.notificationId });
    const throttled = () => {
      throw transient("throttled", 30_000);
    };
    script = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? accepted : throttled));
    await deliverBatches();
    const [, retry] = publisher.on("sendEmail");
    expect(retry?.scheduledEnqueueTime?.toISOString()).toBe("2026-11-23T09:00:30.000Z");
    clock.advance(30_000);
    await sendBatch(deps(), retry!.body as { orderId: string; batchId: string; attempt: number });
    expect(handed).toHaveLength(30);
    const stored = await stores.notifications.listByOrder(order.id);
    expect(stored.filter((n) => n.status === "Succeeded")).toHaveLength(20);
  });

  it("reads a large order's recipients from its stored list, part by part", async () => {
    const order = sampleOrder({
      requestedSendTime: t0,
      status: "Processing",
      leaseUntil: "2026-11-23T09:10:00.000Z",
      releaseCount: 1,
      recipients: [],
      recipientCount: 2500,
    });
    await stores.orders.createOrder(order);
    for (let part = 0; part < 3; part += 1) {
      const size = Math.min(1000, 2500 - part * 1000);
      await stores.recipientLists.putPart(
        order,
        part,
        Array.from({ length: size }, (_, i) => ({ emailAddress: `p${part * 1000 + i}@example.com` })),
      );
    }
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    const stored = await stores.notifications.listByOrder(order.id);
    expect(new Set(stored.map((n) => n.recipient.address)).size).toBe(2500);
    expect(publisher.on("sendEmailBulk")).toHaveLength(25);
  });

  it("re-publishes a large order's lost batch messages on the bulk lane, never in front of single orders", async () => {
    const order = await emailOrder(250);
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    expect(publisher.on("sendEmailBulk")).toHaveLength(3); // and then lost

    clock.advance(lostSendGraceMs + 60_000);
    const summary = await sweepOrders(deps());
    expect(summary.resent).toBe(250);
    expect(publisher.on("sendEmailBulk")).toHaveLength(6);
    expect(publisher.on("sendEmail")).toHaveLength(0);
    await deliverBatches(3, "sendEmailBulk");
    expect(handed).toHaveLength(250);
  });

  it("takes a batch again whose worker died, after it counts as abandoned, through the sweeper", async () => {
    const order = await emailOrder(30);
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    const [message] = publisher.on("sendEmail");
    const dying = { ...deps(), emailSender: { send: () => Promise.reject(new Error("the worker died")) } };
    await expect(
      sendBatch(dying, message!.body as { orderId: string; batchId: string; attempt: number }),
    ).rejects.toThrow();
    await deliverBatches(); // the broker's redelivery finds the batch claimed, and young
    expect(handed).toHaveLength(0);

    clock.advance(abandonedSendMs + 60_000);
    const summary = await sweepOrders(deps());
    expect(summary.resent).toBe(30);
    await deliverBatches(1);
    expect(handed).toHaveLength(30);
  });
});
