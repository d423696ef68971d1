import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CosmosSendPacer } from "../../../shared/adapters/cosmos/cosmosSendPacer";
import { defaultSendingWindow } from "../../../shared/domain/sendingWindow";
import type { BucketLimit } from "../../../shared/domain/tokenBucket";
import { IsolatedFailures, throttled } from "../../../shared/errors";
import { containers } from "../../../shared/platform/resources";
import type { EmailMessage, EmailSendOutcome, EmailSender } from "../../../shared/ports/emailSender";
import { sendBatch } from "../../../shared/usecases/sendBatch";
import { sendNotification } from "../../../shared/usecases/sendNotification";
import { sendCreatedClaimed } from "../../../shared/usecases/steps/sendEach";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";
import { sampleEmail } from "../../support/notifications";
import { sampleOrder } from "../../support/orders";
import { cosmosStores, ManualClock, RecordingPublisher } from "../../support/pipeline";

/** Records every email handed to it; a scripted step may refuse one (a 429). */
class RecordingEmailSender implements EmailSender {
  sent: EmailMessage[] = [];
  next: Array<() => EmailSendOutcome> = [];
  async send(message: EmailMessage): Promise<EmailSendOutcome> {
    this.sent.push(message);
    const step = this.next.shift();
    return step ? step() : { outcome: "accepted", operationId: message.notificationId };
  }
}

/** 10 emails a second, a burst of 10, one token kept for single sends. */
const limit: BucketLimit = { perSecond: 10, burst: 10, bulkReserve: 1 };
const t0 = "2026-12-04T10:00:00.000Z";
const clock = new ManualClock(new Date(t0));
let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
let pacer: CosmosSendPacer;
let publisher: RecordingPublisher;
let email: RecordingEmailSender;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());
beforeEach(async () => {
  const database = await cosmos.freshDatabase();
  stores = cosmosStores(database);
  pacer = new CosmosSendPacer(database.container(containers.rateBuckets.name), {
    acs: limit,
    link: undefined,
  });
  publisher = new RecordingPublisher();
  email = new RecordingEmailSender();
  clock.set(t0);
});

const deps = () => ({
  ...stores,
  pacer,
  publisher,
  clock,
  emailSender: email,
  smsSender: {
    send: () => Promise.reject(new Error("no SMS here")),
    sendMany: () => Promise.reject(new Error("no SMS here")),
  },
  sendingWindow: defaultSendingWindow,
});

async function orderWithEmails(count: number, batched: boolean) {
  const order = sampleOrder({ status: "Processed", requestedSendTime: t0 });
  await stores.orders.createOrder(order);
  const batchId = `${order.id}:batch:0`;
  const notifications = Array.from({ length: count }, (_, i) =>
    sampleEmail(order.id, t0, {
      recipient: { address: `person${i}@example.com` },
      ...(batched ? { batchId } : {}),
    }),
  );
  await stores.notifications.createMany(notifications);
  if (batched)
    await stores.sendBatches.createMany([
      {
        id: batchId,
        orderId: order.id,
        creator: order.creator,
        channel: "email",
        notificationIds: notifications.map((n) => n.id),
        sendAfter: t0,
        sendingTimePolicy: "Anytime",
        status: "Pending",
        statusChangedAt: t0,
        attempts: 0,
      },
    ]);
  return { order, notifications, batchId };
}

/** The scheduled sends published since `from`, oldest first. */
const scheduledSince = (from: number) => publisher.published.slice(from);

describe("paced sends", () => {
  it("a batch sends only what got tokens, comes back when the bucket has refilled, and sends each email once", async () => {
    const { order, batchId } = await orderWithEmails(30, true);
    await sendBatch(deps(), { orderId: order.id, batchId, attempt: 0 });
    // The burst less the reserve single sends may take.
    expect(email.sent).toHaveLength(9);
    let seen = 0;
    for (let round = 0; round < 20 && email.sent.length < 30; round += 1) {
      const [next] = scheduledSince(seen);
      seen = publisher.published.length;
      expect(next?.scheduledEnqueueTime).toBeDefined();
      clock.set(next!.scheduledEnqueueTime!);
      await sendBatch(deps(), next!.body as { orderId: string; batchId: string; attempt: number });
    }
    expect(new Set(email.sent.map((m) => m.notificationId)).size).toBe(30);
    expect(email.sent).toHaveLength(30);
    // Never faster than the bucket allows: its burst plus 10 a second.
    const elapsedSeconds = (clock.now().getTime() - Date.parse(t0)) / 1000;
    expect(30).toBeLessThanOrEqual(limit.burst + elapsedSeconds * limit.perSecond);
    expect(elapsedSeconds).toBeLessThan(3);
    expect((await stores.sendBatches.get(order.id, batchId))?.status).toBe("Done");
  });

  it("a single send without a token is not attempted: it stays New and comes back when a token has accrued", async () => {
    await pacer.take({ provider: "acs", key: "acs:varsel.local" }, 10, "priority", clock.now());
    const { order, notifications } = await orderWithEmails(1, false);
    const n = notifications[0]!;
    await sendNotification(deps(), { orderId: order.id, notificationId: n.id, retry: 0 });
    expect(email.sent).toHaveLength(0);
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("New");
    const [retry] = publisher.published;
    expect(retry?.scheduledEnqueueTime?.toISOString()).toBe("2026-12-04T10:00:00.100Z");
    clock.set(retry!.scheduledEnqueueTime!);
    await sendNotification(deps(), retry!.body as { orderId: string; notificationId: string; retry: number });
    expect(email.sent).toHaveLength(1);
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("Succeeded");
  });

  it("a send created claimed by its processing step waits for a token as a queued one does, and goes out once", async () => {
    await pacer.take({ provider: "acs", key: "acs:varsel.local" }, 10, "priority", clock.now());
    const order = sampleOrder({ status: "Processing", requestedSendTime: t0 });
    await stores.orders.createOrder(order);
    const created = await stores.notifications.createMany([
      sampleEmail(order.id, t0, { status: "Sending", statusChangedAt: t0 }),
    ]);
    const failures = new IsolatedFailures();
    await sendCreatedClaimed(deps(), created, failures);
    failures.raise();
    expect(email.sent).toHaveLength(0);
    const n = created[0]!;
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("New");
    const [retry] = publisher.published;
    expect(retry?.body).toEqual({ orderId: order.id, notificationId: n.id, retry: 1 });
    expect(retry?.scheduledEnqueueTime?.toISOString()).toBe("2026-12-04T10:00:00.100Z");
    clock.set(retry!.scheduledEnqueueTime!);
    await sendNotification(deps(), retry!.body as { orderId: string; notificationId: string; retry: number });
    await sendNotification(deps(), retry!.body as { orderId: string; notificationId: string; retry: number });
    expect(email.sent.map((m) => m.notificationId)).toEqual([n.id]);
  });

  it("a 429 pauses every send to that sender domain until its Retry-After, not just the one refused", async () => {
    const { order, notifications } = await orderWithEmails(2, false);
    const [first, second] = notifications;
    email.next.push(() => {
      throw throttled("ACS email send failed (status 429)", 30_000);
    });
    await sendNotification(deps(), { orderId: order.id, notificationId: first!.id, retry: 0 });
    await sendNotification(deps(), { orderId: order.id, notificationId: second!.id, retry: 0 });
    // The second was not attempted: ACS asked everyone to wait.
    expect(email.sent).toHaveLength(1);
    const retries = publisher.published.map((m) => m.scheduledEnqueueTime!.getTime() - Date.parse(t0));
    expect(Math.min(...retries)).toBeGreaterThanOrEqual(30_000);
    for (const m of publisher.published) {
      clock.set(m.scheduledEnqueueTime!);
      await sendNotification(deps(), m.body as { orderId: string; notificationId: string; retry: number });
    }
    expect(email.sent).toHaveLength(3);
    for (const n of notifications)
      expect((await stores.notifications.get(order.id, n.id))?.status).toBe("Succeeded");
  });

  it("a single send is not starved by a bulk batch: it takes the reserve the batch left", async () => {
    const bulk = await orderWithEmails(30, true);
    await sendBatch(deps(), { orderId: bulk.order.id, batchId: bulk.batchId, attempt: 0 });
    const single = await orderWithEmails(1, false);
    const n = single.notifications[0]!;
    await sendNotification(deps(), { orderId: single.order.id, notificationId: n.id, retry: 0 });
    expect(email.sent.map((m) => m.notificationId)).toContain(n.id);
    expect((await stores.notifications.get(single.order.id, n.id))?.status).toBe("Succeeded");
  });

  it("a send that waits longer than the sweeper's grace moves its sendAfter, so the sweeper does not send it again", async () => {
    await pacer.pause(
      { provider: "acs", key: "acs:varsel.local" },
      new Date(Date.parse(t0) + 10 * 60_000),
      clock.now(),
    );
    const { order, notifications } = await orderWithEmails(1, false);
    const n = notifications[0]!;
    await sendNotification(deps(), { orderId: order.id, notificationId: n.id, retry: 0 });
    const stored = await stores.notifications.get(order.id, n.id);
    expect(stored?.status).toBe("New");
    expect(Date.parse(stored!.sendAfter)).toBeGreaterThanOrEqual(Date.parse(t0) + 10 * 60_000);
  });
});
