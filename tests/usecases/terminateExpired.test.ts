import { describe, expect, it } from "vitest";
import { terminateExpired } from "../../shared/usecases/terminateExpired";
import { sampleEmail, sampleSms } from "../support/notifications";
import {
  clock,
  deps,
  processedOrderWith,
  stores,
  t0,
  useSendAndReportFixture,
} from "../support/sendAndReport";

useSendAndReportFixture();

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
