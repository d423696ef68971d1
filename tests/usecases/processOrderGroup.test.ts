import { beforeEach, describe, expect, it } from "vitest";
import { transient } from "../../shared/errors";
import type { EmailMessage, EmailSendOutcome } from "../../shared/ports/emailSender";
import type { NotificationStore } from "../../shared/ports/notificationStore";
import { processOrderMessageSchema, sendMessageSchema } from "../../shared/queue/messages";
import { processOrderGroup } from "../../shared/usecases/processOrderGroup";
import { sendNotificationGroup } from "../../shared/usecases/sendNotificationGroup";
import { sweepOrders } from "../../shared/usecases/sweepOrders";
import { freshDependenciesPerTest } from "../support/freshDependencies";
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

function sendGroups() {
  return fresh.publisher.on("sendEmail").flatMap((m) => {
    const body = sendMessageSchema.parse(m.body);
    return "sends" in body ? [{ messageId: m.messageId, body }] : [];
  });
}

describe("processOrderGroup", () => {
  it("processes the orders of one release in one message, and their single sends share one send message", async () => {
    const orders = await dueOrders(12);
    await sweepOrders(deps());
    const groups = groupMessages();
    expect(fresh.publisher.on("processOrder")).toHaveLength(1);
    expect(groups[0]?.orderIds.sort()).toEqual(orders.map((o) => o.id).sort());

    await processOrderGroup(deps(), groups[0]!);
    for (const o of orders) expect((await fresh.deps.orders.getOrder(o.id))?.status).toBe("Processed");
    const sends = sendGroups();
    expect(fresh.publisher.on("sendEmail")).toHaveLength(1);
    expect(sends[0]?.body.sends).toHaveLength(12);

    // A redelivery finds the orders processed: it creates and publishes nothing.
    await processOrderGroup(deps(), groups[0]!);
    expect(fresh.publisher.on("sendEmail")).toHaveLength(1);
    for (const o of orders) expect(await fresh.deps.notifications.listByOrder(o.id)).toHaveLength(1);
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
    expect(
      sendGroups()[0]
        ?.body.sends.map((s) => s.orderId)
        .sort(),
    ).toEqual(
      orders
        .map((o) => o.id)
        .filter((id) => id !== broken)
        .sort(),
    );

    await processOrderGroup(deps(), group!);
    expect((await fresh.deps.orders.getOrder(broken))?.status).toBe("Processed");
    // The redelivery published only the order that was left: its send goes in a message of its own.
    expect(fresh.publisher.on("sendEmail").at(-1)?.body).toEqual({
      orderId: broken,
      notificationId: (await fresh.deps.notifications.listByOrder(broken))[0]?.id,
    });
    for (const o of orders) expect(await fresh.deps.notifications.listByOrder(o.id)).toHaveLength(1);
  });
});

describe("sendNotificationGroup", () => {
  it("sends each notification of the group once, however often the message comes", async () => {
    await dueOrders(12);
    await sweepOrders(deps());
    await processOrderGroup(deps(), groupMessages()[0]!);
    const [sends] = sendGroups();

    await sendNotificationGroup(deps(), sends!.body);
    await sendNotificationGroup(deps(), sends!.body);
    expect(handed).toHaveLength(12);
    expect(new Set(handed.map((m) => m.to)).size).toBe(12);
  });

  it("sends every other notification when one fails in the store, and the redelivery sends only that one", async () => {
    await dueOrders(4);
    await sweepOrders(deps());
    await processOrderGroup(deps(), groupMessages()[0]!);
    const [sends] = sendGroups();
    const broken = sends!.body.sends[1]!.notificationId;
    const flaky: NotificationStore = Object.create(fresh.deps.notifications) as NotificationStore;
    flaky.update = (notification, changes) =>
      notification.id === broken
        ? Promise.reject(transient("update notification: Cosmos DB is unavailable (503)"))
        : fresh.deps.notifications.update(notification, changes);

    await expect(sendNotificationGroup({ ...deps(), notifications: flaky }, sends!.body)).rejects.toThrow(
      "503",
    );
    expect(handed.map((m) => m.notificationId).sort()).toEqual(
      sends!.body.sends
        .map((s) => s.notificationId)
        .filter((id) => id !== broken)
        .sort(),
    );
    await sendNotificationGroup(deps(), sends!.body);
    expect(handed.map((m) => m.notificationId).sort()).toEqual(
      sends!.body.sends.map((s) => s.notificationId).sort(),
    );
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
    const [message] = fresh.publisher.on("sendSms");
    const group = sendMessageSchema.parse(message!.body);
    if (!("sends" in group)) throw new Error("the SMS went in single messages, not in a group");
    expect(group.sends).toHaveLength(9);

    await sendNotificationGroup(deps(), group);
    expect(submissions.sort()).toEqual([3, 6]);
    for (const o of orders)
      expect((await fresh.deps.notifications.listByOrder(o.id))[0]?.status).toBe("Accepted");
  });
});
