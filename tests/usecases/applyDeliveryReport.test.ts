import { describe, expect, it } from "vitest";
import type { DeliveryReportParser } from "../../shared/ports/deliveryReportParser";
import type { NotificationStore } from "../../shared/ports/notificationStore";
import { acceptDeliveryReport } from "../../shared/usecases/acceptDeliveryReport";
import { applyDeliveryReports, type ReportDeps } from "../../shared/usecases/applyDeliveryReport";
import { replayDeadReports } from "../../shared/usecases/replayDeadReports";
import { sendNotification } from "../../shared/usecases/sendNotification";
import { sampleEmail, sampleSms } from "../support/notifications";
import { sampleOrder } from "../support/orders";
import {
  clock,
  deps,
  processedOrderWith,
  publisher,
  stores,
  t0,
  useSendAndReportFixture,
} from "../support/sendAndReport";

useSendAndReportFixture();

/** The reports of one queue message or HTTP body. */
const applyReport = (d: ReportDeps, message: unknown, enqueuedTime: Date | undefined) =>
  applyDeliveryReports(d, [{ message, enqueuedTime }]);

/** A LINK report as its queue message carries it. */
const linkReport = (reference: string) => ({
  varselReport: { provider: "link", firstSeen: t0, attempt: 0, payload: { reference, status: "Delivered" } },
});

/** A reference document, as the send path stores one for an email (and stored one for an SMS before). */
const storeReference = (
  provider: "acs" | "link",
  reference: string,
  orderId: string,
  notificationId: string,
) => stores.references.put({ provider, reference, orderId, notificationId });

describe("delivery reports", () => {
  it("applies a report by provider reference and completes the order exactly once", async () => {
    const e = sampleEmail("00000000-0000-4000-8000-000000000000", t0);
    const s = sampleSms("00000000-0000-4000-8000-000000000000", t0);
    const order = await processedOrderWith(e, s);
    await sendNotification(deps(), { orderId: order.id, notificationId: e.id, retry: 0 });
    await sendNotification(deps(), { orderId: order.id, notificationId: s.id, retry: 0 });

    await applyReport(deps(), { reference: e.id, status: "Delivered" }, new Date(t0));
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Processed");
    const smsReport = linkReport("gw-1");
    await Promise.all([applyReport(deps(), smsReport, undefined), applyReport(deps(), smsReport, undefined)]);
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

  it("finds an email named by its order without a stored reference, and completes the order", async () => {
    const order = sampleOrder({ status: "Processing", requestedSendTime: t0 });
    const e = sampleEmail(order.id, t0, { id: order.id });
    await stores.orders.createOrder({ ...order, status: "Processed", notificationIds: [e.id] });
    await stores.notifications.createMany([e]);
    await sendNotification(deps(), { orderId: order.id, notificationId: e.id, retry: 0 });
    expect(await stores.references.get("acs", e.id)).toBeUndefined();

    await applyReport(deps(), { reference: order.id, status: "Delivered" }, new Date(t0));

    expect((await stores.notifications.get(order.id, e.id))?.status).toBe("Delivered");
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
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

  it("finds an SMS by the gateway reference its result recorded, with no reference document", async () => {
    const s = sampleSms("00000000-0000-4000-8000-000000000000", t0);
    const order = await processedOrderWith(s);
    await sendNotification(deps(), { orderId: order.id, notificationId: s.id, retry: 0 });
    const sent = await stores.notifications.get(order.id, s.id);
    expect(sent).toMatchObject({ status: "Accepted", reference: "gw-1" });
    expect(await stores.references.get("link", "gw-1")).toBeUndefined();

    await applyReport(deps(), linkReport("gw-1"), undefined);

    expect((await stores.notifications.get(order.id, s.id))?.status).toBe("Delivered");
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
  });

  it("applies a second report on the same SMS in one batch on its own, without a retry", async () => {
    const s = sampleSms("00000000-0000-4000-8000-000000000000", t0);
    const order = await processedOrderWith(s);
    await sendNotification(deps(), { orderId: order.id, notificationId: s.id, retry: 0 });

    await applyDeliveryReports(
      deps(),
      [linkReport("gw-1"), linkReport("gw-1")].map((message) => ({ message, enqueuedTime: undefined })),
    );

    expect((await stores.notifications.get(order.id, s.id))?.status).toBe("Delivered");
    expect(publisher.on("deliveryReports")).toEqual([]);
  });

  it("still finds an SMS by the reference document written before SMS needed none", async () => {
    const s = sampleSms("00000000-0000-4000-8000-000000000000", t0, { status: "Sending" });
    const order = await processedOrderWith(s);
    await storeReference("link", "gw-old", order.id, s.id);

    await applyReport(deps(), linkReport("gw-old"), undefined);

    expect((await stores.notifications.get(order.id, s.id))?.status).toBe("Delivered");
  });

  it("retries a report that arrived before its send result, then keeps it as a dead report", async () => {
    const early = { reference: "unknown-op", status: "Delivered" };
    await applyReport(deps(), early, new Date(t0));
    const [retry] = publisher.on("deliveryReports");
    expect(retry?.scheduledEnqueueTime?.getTime()).toBeGreaterThan(clock.now().getTime());
    clock.advance(6 * 60_000);
    await applyReport(deps(), retry!.body, undefined);
    const dead = await stores.deadReports.list(10);
    expect(dead.map((d) => d.reason)).toEqual(["RETRY_THRESHOLD_EXCEEDED"]);
  });

  it("lets an operator replay a dead report once its notification can be found", async () => {
    const early = { reference: "op-late", status: "Delivered" };
    await applyReport(deps(), early, new Date(t0));
    clock.advance(6 * 60_000);
    await applyReport(deps(), publisher.on("deliveryReports")[0]!.body, undefined);
    expect(await stores.deadReports.list(10)).toHaveLength(1);

    const n = sampleEmail("00000000-0000-4000-8000-000000000000", t0, {
      status: "Succeeded",
      reference: "op-late",
    });
    const order = await processedOrderWith(n);
    await storeReference("acs", "op-late", order.id, n.id);
    const replayed = await replayDeadReports(deps(), 10);
    expect(replayed).toHaveLength(1);
    expect(await stores.deadReports.list(10)).toEqual([]);
    const [again] = publisher.on("deliveryReports").slice(-1);
    await applyReport(deps(), again!.body, undefined);
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("Delivered");
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
  });

  it("keeps a replayed report that failed again before the replay finished, for the operator to see", async () => {
    const early = { reference: "op-never", status: "Delivered" };
    await applyReport(deps(), early, new Date(t0));
    clock.advance(6 * 60_000);
    await applyReport(deps(), publisher.on("deliveryReports")[0]!.body, undefined);
    expect(await stores.deadReports.list(10)).toHaveLength(1);

    // The replayed report is handled at once and fails again (its notification still cannot be found).
    const failingFast = {
      publish: async (queue: "deliveryReports", messages: Array<{ body: unknown }>) => {
        await publisher.publish(queue, messages as never);
        clock.advance(6 * 60_000);
        for (const m of messages) {
          const envelope = m.body as { varselReport: { firstSeen: string } };
          envelope.varselReport.firstSeen = new Date(Date.parse(t0)).toISOString();
          await applyReport(deps(), envelope, undefined);
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
    await storeReference("acs", "op-1", order.id, n.id);
    clock.advance(49 * 3_600_000);
    await applyReport(deps(), { reference: "op-1", status: "Delivered" }, clock.now());
    expect((await stores.notifications.get(order.id, n.id))?.status).toBe("Succeeded");
    expect((await stores.deadReports.list(10)).map((d) => d.reason)).toEqual(["NOTIFICATION_EXPIRED"]);
  });

  it("applies LINK reports posted at the same time together, and answers each post once its report is stored", async () => {
    const texts = Array.from({ length: 8 }, () => sampleSms("00000000-0000-4000-8000-000000000000", t0));
    const order = await processedOrderWith(...texts);
    for (const s of texts)
      await sendNotification(deps(), { orderId: order.id, notificationId: s.id, retry: 0 });
    const base = deps();
    const lookups: number[] = [];
    const jsonParser: DeliveryReportParser = (provider, payload) => {
      const { reference, status } = JSON.parse(String(payload)) as { reference: string; status: "Delivered" };
      return [{ valid: true, provider, reference, status, raw: payload }];
    };
    const notifications: NotificationStore = Object.create(base.notifications) as NotificationStore;
    notifications.findSmsByReferences = (references) => {
      lookups.push(references.length);
      return base.notifications.findSmsByReferences(references);
    };
    // One deps object, as a host has: the reports it is given share their store requests.
    const host = { ...base, parseReport: jsonParser, notifications };

    const storedWhenAnswered = await Promise.all(
      texts.map(async (s, i) => {
        await acceptDeliveryReport(host, {
          provider: "link",
          contentType: "application/json",
          payload: JSON.stringify({ reference: `gw-${i + 1}`, status: "Delivered" }),
        });
        return (await stores.notifications.get(order.id, s.id))?.status;
      }),
    );

    expect(storedWhenAnswered).toEqual(texts.map(() => "Delivered"));
    // The first post alone, then the seven posted while it was applied, in one lookup.
    expect(lookups).toEqual([1, 7]);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
  });
});
