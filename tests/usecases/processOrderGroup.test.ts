import { beforeEach, describe, expect, it } from "vitest";
import { transient } from "../../shared/errors";
import type { EmailMessage, EmailSendOutcome } from "../../shared/ports/emailSender";
import type { NotificationStore } from "../../shared/ports/notificationStore";
import { abandonedSendMs } from "../../shared/domain/recoveryTimes";
import {
  processOrderMessageSchema,
  sendMessageSchema,
  type SendGroupMessage,
} from "../../shared/queue/messages";
import { processOrderGroup } from "../../shared/usecases/processOrderGroup";
import { sendNotification } from "../../shared/usecases/sendNotification";
import { sendNotificationGroup } from "../../shared/usecases/sendNotificationGroup";
import { sweepOrders } from "../../shared/usecases/sweepOrders";
import { viewOrderStatus } from "../../shared/usecases/viewOrderStatus";
import { freshDependenciesPerTest } from "../support/freshDependencies";
import { sampleEmail } from "../support/notifications";
import { sampleOrder } from "../support/orders";
import { ManualClock } from "../support/pipeline";

const t0 = "2026-11-23T09:00:00.000Z"; // Monday 10:00 in Oslo
const clock = new ManualClock(new Date(t0));
const fresh = freshDependenciesPerTest(clock);
let handed: EmailMessage[];
/** The size of each SMS gateway submission. */
let submissions: number[];

beforeEach(() => {
  handed = [];
  submissions = [];
  clock.set(t0);
});

const deps = () => ({
  ...fresh.deps,
  emailSender: {
    send: async (m: EmailMessage): Promise<EmailSendOutcome> => {
      handed.push(m);
      return { outcome: "accepted", operationId: m.notificationId };
    },
  },
  smsSender: {
    send: async () => ({ outcome: "accepted" as const, gatewayReference: "gw" }),
    sendMany: async (ms: unknown[]) => {
      submissions.push(ms.length);
      return ms.map((_, i) => ({
        outcome: "accepted" as const,
        gatewayReference: `gw-${submissions.length}-${i}`,
      }));
    },
  },
});

/** Registered single-recipient email orders, due now. */
async function dueOrders(count: number, overrides: Parameters<typeof sampleOrder>[0] = {}) {
  const orders = Array.from({ length: count }, (_, i) =>
    sampleOrder({
      requestedSendTime: t0,
      recipients: [{ emailAddress: `user${i}@example.com` }],
      ...overrides,
    }),
  );
  for (const o of orders) await fresh.deps.orders.createOrder(o);
  return orders;
}

function groupMessages() {
  return fresh.publisher.on("processOrder").flatMap((m) => {
    const body = processOrderMessageSchema.parse(m.body);
    return "orderIds" in body ? [body] : [];
  });
}

/** Sends every email send message published so far, as the send queue's job would. */
async function sendQueued() {
  for (const m of fresh.publisher.on("sendEmail")) {
    const body = sendMessageSchema.parse(m.body);
    if ("sends" in body) await sendNotificationGroup(deps(), body);
    else if ("notificationId" in body) await sendNotification(deps(), body);
  }
}

/** Processed orders whose email sends wait in one send message (as sends scheduled for later do). */
async function queuedSends(count: number): Promise<{ body: SendGroupMessage }> {
  const orders = await dueOrders(count, { status: "Processed" });
  const notifications = orders.map((o, i) =>
    sampleEmail(o.id, t0, { recipient: { address: `user${i}@example.com` } }),
  );
  await fresh.deps.notifications.createMany(notifications);
  return { body: { sends: notifications.map((n) => ({ orderId: n.orderId, notificationId: n.id })) } };
}

describe("processOrderGroup", () => {
  it("processes the orders of one release in one message and sends what is due now itself, once", async () => {
    const orders = await dueOrders(12);
    await sweepOrders(deps());
    const groups = groupMessages();
    expect(fresh.publisher.on("processOrder")).toHaveLength(1);
    expect(groups[0]?.orderIds.sort()).toEqual(orders.map((o) => o.id).sort());

    await processOrderGroup(deps(), groups[0]!);
    for (const o of orders) {
      expect((await fresh.deps.orders.getOrder(o.id))?.status).toBe("Processed");
      const [n] = await fresh.deps.notifications.listByOrder(o.id);
      expect(n?.status).toBe("Succeeded");
    }
    expect(new Set(handed.map((m) => m.to)).size).toBe(12);
    expect(fresh.publisher.on("sendEmail")).toHaveLength(0);

    // A redelivery finds the orders processed: it creates, publishes and sends nothing.
    await processOrderGroup(deps(), groups[0]!);
    expect(handed).toHaveLength(12);
    expect(fresh.publisher.on("sendEmail")).toHaveLength(0);
    for (const o of orders) expect(await fresh.deps.notifications.listByOrder(o.id)).toHaveLength(1);
  });

  it("processes and sends orders released without a claim once, and leaves one that is not due", async () => {
    const finalOnly = { listsTransitions: async () => false, subscriptionsChanged: () => {} };
    const quiet = () => ({ ...deps(), feedAudience: finalOnly });
    const orders = await dueOrders(3);
    await sweepOrders(quiet());
    const [group] = groupMessages();
    for (const o of orders) expect((await fresh.deps.orders.getOrder(o.id))?.status).toBe("Registered");

    await processOrderGroup(quiet(), group!);
    await processOrderGroup(quiet(), group!);

    // Each one's sent notification holds its status (domain/heldOrders.ts): no order write, read as Processed.
    for (const o of orders) {
      expect((await fresh.deps.orders.getOrder(o.id))?.status).toBe("Registered");
      expect((await viewOrderStatus(fresh.deps, o.creator, o.id)).order.status).toBe("Processed");
    }
    expect(handed.map((m) => m.to).sort()).toEqual([
      "user0@example.com",
      "user1@example.com",
      "user2@example.com",
    ]);
    // Its tenant subscribed to transitions since the release: it is processed all the same. One not due yet
    // was not released by a sweep: it is left as it is.
    const [subscribed] = await dueOrders(1);
    const [early] = await dueOrders(1, { requestedSendTime: "2026-11-23T09:30:00.000Z" });
    await processOrderGroup(deps(), { orderIds: [subscribed!.id, early!.id] });
    expect((await fresh.deps.orders.getOrder(subscribed!.id))?.status).toBe("Processed");
    expect((await fresh.deps.orders.getOrder(early!.id))?.status).toBe("Registered");
    expect(handed).toHaveLength(4);
  });

  it("leaves a send whose provider call failed to the sweeper's lost-send check, and it goes out once", async () => {
    const orders = await dueOrders(2);
    await sweepOrders(deps());
    const [group] = groupMessages();
    const dying = { ...deps(), emailSender: { send: () => Promise.reject(new Error("the worker died")) } };
    await expect(processOrderGroup(dying, group!)).rejects.toThrow("the worker died");
    const claimed = (await Promise.all(orders.map((o) => fresh.deps.notifications.listByOrder(o.id)))).flat();
    expect(claimed.map((n) => n.status)).toEqual(["Sending", "Sending"]);
    for (const o of orders) expect((await fresh.deps.orders.getOrder(o.id))?.status).toBe("Processed");

    // The redelivery finds the orders moved on and sends nothing; the sweeper does nothing before the sends
    // count as abandoned (the provider may have them), then publishes each again, and each goes out once.
    await processOrderGroup(deps(), group!);
    await sweepOrders(deps());
    expect(fresh.publisher.on("sendEmail")).toHaveLength(0);
    clock.set(new Date(Date.parse(t0) + abandonedSendMs + 60_000).toISOString());
    await sweepOrders(deps());
    await sendQueued();
    await sendQueued();
    expect(handed.map((m) => m.notificationId).sort()).toEqual(claimed.map((n) => n.id).sort());
  });

  it("records the acceptances of one hand-over in one bulk write, not one write per send", async () => {
    await dueOrders(12);
    await sweepOrders(deps());
    const writes: string[] = [];
    const counting: NotificationStore = Object.create(fresh.deps.notifications) as NotificationStore;
    counting.update = (n, changes) => {
      writes.push("update");
      return fresh.deps.notifications.update(n, changes);
    };
    counting.updateMany = (updates) => {
      writes.push(`updateMany of ${updates.length}`);
      return fresh.deps.notifications.updateMany(updates);
    };
    await processOrderGroup({ ...deps(), notifications: counting }, groupMessages()[0]!);
    expect(handed).toHaveLength(12);
    expect(writes).toEqual(["updateMany of 12"]);
  });

  it("gives an order with a send condition, or a large one, a process message of its own", async () => {
    const [plain] = await dueOrders(1);
    const [conditional] = await dueOrders(1, { conditionEndpoint: "https://service.example/condition" });
    const [large] = await dueOrders(1, {
      recipients: Array.from({ length: 101 }, (_, i) => ({ emailAddress: `many${i}@example.com` })),
    });
    await sweepOrders(deps());
    const bodies = [...fresh.publisher.on("processOrder"), ...fresh.publisher.on("processOrderBulk")].map(
      (m) => m.body,
    );
    expect(bodies).toEqual(
      expect.arrayContaining([{ orderId: plain!.id }, { orderId: conditional!.id }, { orderId: large!.id }]),
    );
    expect(groupMessages()).toHaveLength(0);
  });

  it("finishes every other order when one fails, and a redelivery processes only that one", async () => {
    const orders = await dueOrders(5);
    await sweepOrders(deps());
    const [group] = groupMessages();
    const broken = orders[2]!.id;
    const flaky: NotificationStore = Object.create(fresh.deps.notifications) as NotificationStore;
    flaky.createMany = (notifications) =>
      notifications.some((n) => n.orderId === broken)
        ? Promise.reject(transient("create notifications: Cosmos DB is unavailable (503)"))
        : fresh.deps.notifications.createMany(notifications);

    await expect(processOrderGroup({ ...deps(), notifications: flaky }, group!)).rejects.toThrow("503");
    for (const o of orders)
      expect((await fresh.deps.orders.getOrder(o.id))?.status).toBe(
        o.id === broken ? "Processing" : "Processed",
      );
    const recipientOf = (id: string) => orders.find((o) => o.id === id)?.recipients[0]?.emailAddress;
    expect(handed.map((m) => m.to).sort()).toEqual(
      orders
        .map((o) => o.id)
        .filter((id) => id !== broken)
        .map(recipientOf)
        .sort(),
    );

    // The redelivery processes and sends only the order that was left.
    await processOrderGroup(deps(), group!);
    expect((await fresh.deps.orders.getOrder(broken))?.status).toBe("Processed");
    expect(handed.map((m) => m.to).sort()).toEqual(orders.map((o) => recipientOf(o.id)).sort());
    for (const o of orders) expect(await fresh.deps.notifications.listByOrder(o.id)).toHaveLength(1);
  });

  it("hands the SMS of one organisation to the gateway in one submission, another organisation's in its own", async () => {
    const sms = { senderNumber: "Varsel", body: "Hei", sendingTimePolicy: "Anytime" as const };
    const mobile = (i: number) => [{ mobileNumber: `+4791${String(i).padStart(6, "0")}` }];
    const orders = [
      ...Array.from({ length: 6 }, (_, i) =>
        sampleOrder({ notificationChannel: "Sms", smsTemplate: sms, recipients: mobile(i) }),
      ),
      ...Array.from({ length: 3 }, (_, i) =>
        sampleOrder({
          creator: "310000019",
          notificationChannel: "Sms",
          smsTemplate: sms,
          recipients: mobile(10 + i),
        }),
      ),
    ].map((o) => ({ ...o, requestedSendTime: t0 }));
    for (const o of orders) await fresh.deps.orders.createOrder(o);
    await sweepOrders(deps());
    await processOrderGroup(deps(), groupMessages()[0]!);
    expect(fresh.publisher.on("sendSms")).toHaveLength(0);
    expect(submissions.sort()).toEqual([3, 6]);
    for (const o of orders)
      expect((await fresh.deps.notifications.listByOrder(o.id))[0]?.status).toBe("Accepted");
  });
});

describe("sendNotificationGroup", () => {
  it("sends each notification of the group once, however often the message comes", async () => {
    const sends = await queuedSends(12);

    await sendNotificationGroup(deps(), sends.body);
    await sendNotificationGroup(deps(), sends.body);
    expect(handed).toHaveLength(12);
    expect(new Set(handed.map((m) => m.to)).size).toBe(12);
  });

  it("sends every other notification when one fails in the store, and the redelivery sends only that one", async () => {
    const sends = await queuedSends(4);
    const broken = sends.body.sends[1]!.notificationId;
    const flaky: NotificationStore = Object.create(fresh.deps.notifications) as NotificationStore;
    flaky.update = (notification, changes) =>
      notification.id === broken
        ? Promise.reject(transient("update notification: Cosmos DB is unavailable (503)"))
        : fresh.deps.notifications.update(notification, changes);

    await expect(sendNotificationGroup({ ...deps(), notifications: flaky }, sends.body)).rejects.toThrow(
      "503",
    );
    expect(handed.map((m) => m.notificationId).sort()).toEqual(
      sends.body.sends
        .map((s) => s.notificationId)
        .filter((id) => id !== broken)
        .sort(),
    );
    await sendNotificationGroup(deps(), sends.body);
    expect(handed.map((m) => m.notificationId).sort()).toEqual(
      sends.body.sends.map((s) => s.notificationId).sort(),
    );
  });
});
