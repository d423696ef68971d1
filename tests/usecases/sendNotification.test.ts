import { describe, expect, it } from "vitest";
import { transient } from "../../shared/errors";
import { sendNotification } from "../../shared/usecases/sendNotification";
import { sampleEmail } from "../support/notifications";
import {
  clock,
  deps,
  email,
  processedOrderWith,
  publisher,
  stores,
  t0,
  useSendAndReportFixture,
} from "../support/sendAndReport";

useSendAndReportFixture();

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
