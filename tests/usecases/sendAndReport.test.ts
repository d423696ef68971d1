import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EmailMessage, EmailSendOutcome, EmailSender } from "../../shared/ports/emailSender";
import type { SmsMessage, SmsSendOutcome, SmsSender } from "../../shared/ports/smsSender";
import type { DeliveryReportParser } from "../../shared/ports/deliveryReportParser";
import { transient } from "../../shared/errors";
import { defaultSendingWindow } from "../../shared/domain/sendingWindow";
import { applyDeliveryReport, applyDeliveryReports } from "../../shared/usecases/applyDeliveryReport";
import { replayDeadReports } from "../../shared/usecases/replayDeadReports";
import { sendNotification } from "../../shared/usecases/sendNotification";
import { terminateExpired } from "../../shared/usecases/terminateExpired";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleEmail, sampleSms } from "../support/notifications";
import { sampleOrder } from "../support/orders";
import { cosmosStores, ManualClock, RecordingPublisher } from "../support/pipeline";

class ScriptedEmailSender implements EmailSender {
  sent: EmailMessage[] = [];
  next: Array<() => EmailSendOutcome> = [];
  async send(message: EmailMessage): Promise<EmailSendOutcome> {
    const step = this.next.shift();
    const outcome = step ? step() : { outcome: "accepted" as const, operationId: message.notificationId };
    this.sent.push(message);
    return outcome;
  }
}
class ScriptedSmsSender implements SmsSender {
  sent: SmsMessage[] = [];
  async send(message: SmsMessage): Promise<SmsSendOutcome> {
    this.sent.push(message);
    return { outcome: "accepted", gatewayReference: `gw-${this.sent.length}` };
  }
  async sendMany(messages: SmsMessage[]): Promise<SmsSendOutcome[]> {
    return Promise.all(messages.map((m) => this.send(m)));
  }
}

/** Reports as plain objects: `{ reference, status }`, so these tests do not depend on provider formats. */
const simpleParser: DeliveryReportParser = (provider, payload) => {
  const { reference, status } = payload as { reference: string; status: string };
  return [
    { valid: true, provider, reference, status, raw: payload } as ReturnType<DeliveryReportParser>[number],
  ];
};

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
let publisher: RecordingPublisher;
let email: ScriptedEmailSender;
let sms: ScriptedSmsSender;
const t0 = "2026-11-23T10:00:00.000Z";
const clock = new ManualClock(new Date(t0));

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());
beforeEach(async () => {
  stores = cosmosStores(await cosmos.freshDatabase());
  publisher = new RecordingPublisher();
  email = new ScriptedEmailSender();
  sms = new ScriptedSmsSender();
  clock.set(t0);
});

const deps = () => ({
  ...stores,
  publisher,
  clock,
  emailSender: email,
  smsSender: sms,
  parseReport: simpleParser,
  sendingWindow: defaultSendingWindow,
});

async function processedOrderWith(
  ...notifications: Array<ReturnType<typeof sampleEmail> | ReturnType<typeof sampleSms>>
) {
  // As processing leaves a small order: it lists its notifications, so reports complete it.
  const order = sampleOrder({
    status: "Processed",
    requestedSendTime: t0,
    notificationIds: notifications.map((n) => n.id),
  });
  await stores.orders.createOrder(order);
  await stores.notifications.createMany(notifications.map((n) => ({ ...n, orderId: order.id })));
  return order;
}

describe("sending", () => {
  it("sends each notification once even when its message is delivered twice", async () => {
    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0);
    const order = await processedOrderWith(n);
    const message = { orderId: order.id, notificationId: n.id, retry: 0 };
    await sendNotification(deps(), message);
    await sendNotification(deps(), message);
    expect(email.sent).toHaveLength(1);
    expect(await stores.notifications.get(order.id, n.id)).toMatchObject({
      status: "Succeeded",
      reference: n.id,
    });
  });

  it("puts a throttled email back to New and reschedules it after Retry-After instead of looping", async () => {
    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0);
    const order = await processedOrderWith(n);
    email.next.push(() => {
      throw transient("throttled", 30_000);
    });
    await sendNotification(deps(), { orderId: order.id, notificationId: n.id, retry: 0 });
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("New");
    const [retry] = publisher.on("sendEmail");
    expect(retry?.scheduledEnqueueTime?.toISOString()).toBe("2026-11-23T10:00:30.000Z");
    expect(retry?.body).toMatchObject({ retry: 1 });
  });

  it("moves a Daytime retry that would fall after 17:00 on a Friday to Monday 09:00, Oslo time", async () => {
    clock.set("2026-11-27T15:59:00.000Z"); // Friday 16:59 in Oslo
    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0, {
      sendingTimePolicy: "Daytime",
      expiry: "2026-12-10T00:00:00.000Z",
    });
    const order = await processedOrderWith(n);
    email.next.push(() => {
      throw transient("throttled", 5 * 60_000);
    });
    await sendNotification(deps(), { orderId: order.id, notificationId: n.id, retry: 0 });
    const [retry] = publisher.on("sendEmail");
    expect(retry?.scheduledEnqueueTime?.toISOString()).toBe("2026-11-30T08:00:00.000Z");
  });

  it("sends nothing for a Daytime message that arrives after 17:00, and puts it back for the next window", async () => {
    clock.set("2026-11-24T17:30:00.000Z"); // Tuesday 18:30 in Oslo: a late or swept message
    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0, {
      sendingTimePolicy: "Daytime",
      expiry: "2026-12-10T00:00:00.000Z",
    });
    const order = await processedOrderWith(n);
    await sendNotification(deps(), { orderId: order.id, notificationId: n.id, retry: 0 });
    expect(email.sent).toHaveLength(0);
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("New");
    const [later] = publisher.on("sendEmail");
    expect(later?.scheduledEnqueueTime?.toISOString()).toBe("2026-11-25T08:00:00.000Z");
  });

  it("completes the order when a permanent send failure was its last pending notification", async () => {
    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0);
    const order = await processedOrderWith(n);
    email.next.push(() => ({ outcome: "failed", result: "Failed_InvalidEmailFormat" }));
    await sendNotification(deps(), { orderId: order.id, notificationId: n.id, retry: 0 });
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("Failed_InvalidEmailFormat");
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
  });
});

describe("delivery reports", () => {
  it("applies a report by provider reference and completes the order exactly once", async () => {
    const e = sampleEmail("00000000-0000-4000-8000-000000000000", t0);
    const s = sampleSms("00000000-0000-4000-8000-000000000000", t0);
    const order = await processedOrderWith(e, s);
    await sendNotification(deps(), { orderId: order.id, notificationId: e.id, retry: 0 });
    await sendNotification(deps(), { orderId: order.id, notificationId: s.id, retry: 0 });

    await applyDeliveryReport(deps(), { reference: e.id, status: "Delivered" }, new Date(t0));
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Processed");
    const smsReport = {
      varselReport: {
        provider: "link",
        firstSeen: t0,
        attempt: 0,
        payload: { reference: "gw-1", status: "Delivered" },
      },
    };
    await Promise.all([
      applyDeliveryReport(deps(), smsReport, undefined),
      applyDeliveryReport(deps(), smsReport, undefined),
    ]);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
    clock.advance(5_000);
    const feed = await stores.statusFeed.read({
      creator: order.creator,
      after: 0,
      pageSize: 50,
      order: "Asc",
    });
    expect(feed.filter((f) => f.status === "Order_Completed")).toHaveLength(1);
    expect(
      feed
        .find((f) => f.status === "Order_Completed")
        ?.recipients.map((r) => r.status)
        .sort(),
    ).toEqual(["Email_Delivered", "SMS_Delivered"]);
  });

  it("applies a burst of reports together, each once and in arrival order, and retries only the early one", async () => {
    const emails = [0, 1, 2].map(() => sampleEmail("00000000-0000-4000-8000-000000000000", t0));
    const order = await processedOrderWith(...emails);
    for (const e of emails)
      await sendNotification(deps(), { orderId: order.id, notificationId: e.id, retry: 0 });
    const [a, b, c] = emails.map((e) => e.id);

    await applyDeliveryReports(
      deps(),
      [
        { reference: a, status: "Delivered" },
        { reference: "not-sent-yet", status: "Delivered" },
        { reference: b, status: "Failed_Bounced" },
        { reference: c, status: "Delivered" },
        { reference: c, status: "Failed_Bounced" },
      ].map((message) => ({ message, enqueuedTime: new Date(t0) })),
    );

    const statuses = await Promise.all(emails.map((e) => stores.notifications.get(order.id, e.id)));
    expect(statuses.map((n) => n?.status)).toEqual(["Delivered", "Failed_Bounced", "Delivered"]);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
    expect(
      publisher
        .on("deliveryReports")
        .map((m) => (m.body as { varselReport: { payload: unknown } }).varselReport.payload),
    ).toEqual([{ reference: "not-sent-yet", status: "Delivered" }]);
  });

  it("retries a report that arrived before its send result, then keeps it as a dead report", async () => {
    const early = { reference: "unknown-op", status: "Delivered" };
    await applyDeliveryReport(deps(), early, new Date(t0));
    const [retry] = publisher.on("deliveryReports");
    expect(retry?.scheduledEnqueueTime?.getTime()).toBeGreaterThan(clock.now().getTime());
    clock.advance(6 * 60_000);
    await applyDeliveryReport(deps(), retry!.body, undefined);
    const dead = await stores.deadReports.list(10);
    expect(dead.map((d) => d.reason)).toEqual(["RETRY_THRESHOLD_EXCEEDED"]);
  });

  it("lets an operator replay a dead report once its notification can be found", async () => {
    const early = { reference: "op-late", status: "Delivered" };
    await applyDeliveryReport(deps(), early, new Date(t0));
    clock.advance(6 * 60_000);
    await applyDeliveryReport(deps(), publisher.on("deliveryReports")[0]!.body, undefined);
    expect(await stores.deadReports.list(10)).toHaveLength(1);

    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0, {
      status: "Succeeded",
      reference: "op-late",
    });
    const order = await processedOrderWith(n);
    await stores.references.put({
      provider: "acs",
      reference: "op-late",
      orderId: order.id,
      notificationId: n.id,
    });
    const replayed = await replayDeadReports(deps(), 10);
    expect(replayed).toHaveLength(1);
    expect(await stores.deadReports.list(10)).toEqual([]);
    const [again] = publisher.on("deliveryReports").slice(-1);
    await applyDeliveryReport(deps(), again!.body, undefined);
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("Delivered");
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
  });

  it("keeps a replayed report that failed again before the replay finished, for the operator to see", async () => {
    const early = { reference: "op-never", status: "Delivered" };
    await applyDeliveryReport(deps(), early, new Date(t0));
    clock.advance(6 * 60_000);
    await applyDeliveryReport(deps(), publisher.on("deliveryReports")[0]!.body, undefined);
    expect(await stores.deadReports.list(10)).toHaveLength(1);

    // The replayed report is handled at once and fails again (its notification still cannot be found).
    const failingFast = {
      publish: async (queue: "deliveryReports", messages: Array<{ body: unknown }>) => {
        await publisher.publish(queue, messages as never);
        clock.advance(6 * 60_000);
        for (const m of messages) {
          const envelope = m.body as { varselReport: { firstSeen: string } };
          envelope.varselReport.firstSeen = new Date(Date.parse(t0)).toISOString();
          await applyDeliveryReport(deps(), envelope, undefined);
        }
      },
    };
    expect(await replayDeadReports({ ...deps(), publisher: failingFast }, 10)).toHaveLength(1);
    expect(await stores.deadReports.list(10)).toHaveLength(1);
  });

  it("does not apply a report after the notification's expiry", async () => {
    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0, {
      status: "Succeeded",
      reference: "op-1",
    });
    const order = await processedOrderWith(n);
    await stores.references.put({
      provider: "acs",
      reference: "op-1",
      orderId: order.id,
      notificationId: n.id,
    });
    clock.advance(49 * 3_600_000);
    await applyDeliveryReport(deps(), { reference: "op-1", status: "Delivered" }, clock.now());
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("Succeeded");
    expect((await stores.deadReports.list(10)).map((d) => d.reason)).toEqual(["NOTIFICATION_EXPIRED"]);
  });
});

describe("terminateExpired", () => {
  it("fails notifications stuck in any pending state after expiry plus grace and completes their order", async () => {
    const stuckNew = sampleEmail("00000000-0000-4000-8000-000000000000", t0);
    const stuckSending = sampleSms("00000000-0000-4000-8000-000000000000", t0, { status: "Sending" });
    const order = await processedOrderWith(stuckNew, stuckSending);
    clock.advance(48 * 3_600_000 + 4 * 60_000);
    expect(await terminateExpired(deps())).toMatchObject({ terminated: 0 });
    clock.advance(2 * 60_000);
    expect(await terminateExpired(deps())).toMatchObject({ terminated: 2 });
    const statuses = (await stores.notifications.listByOrder(order.id)).map((n) => n.status).sort();
    expect(statuses).toEqual(["Failed_TTL", "Failed_TTL"]);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
  });
});
