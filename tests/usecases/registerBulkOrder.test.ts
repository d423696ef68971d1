import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkOrderRequestSchema } from "../../shared/domain/requests/bulkOrder";
import { validate } from "../../shared/domain/requests/validate";
import { isAppError } from "../../shared/errors";
import { registerBulkOrder } from "../../shared/usecases/registerBulkOrder";
import { viewBulkOrder } from "../../shared/usecases/viewBulkOrder";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { ManualClock, cosmosStores } from "../support/pipeline";

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
const tenant = "991825827";
const clock = new ManualClock(new Date("2026-11-23T09:00:00.000Z"));
const defaults = { emailSenderAddress: "noreply@varsel.local", smsSender: "Varsel" };

beforeAll(async () => {
  cosmos = await startTestCosmos();
  stores = cosmosStores(cosmos.database);
});
afterAll(() => cosmos.close());

const order = (idempotencyId: string, extra: Record<string, unknown> = {}) => ({
  idempotencyId,
  channelSchema: "Email",
  requestedSendTime: "2026-11-23T10:00:00Z",
  emailSettings: { subject: "Subject", body: "Body" },
  ...extra,
});

const register = (body: unknown, as = tenant) =>
  registerBulkOrder(
    { ...stores, clock },
    {
      tenant: as,
      body,
      validated: validate(bulkOrderRequestSchema, body, { now: clock.now() }),
      defaults,
    },
  );

describe("registerBulkOrder", () => {
  it("creates an open bulk order once per idempotencyId, and refuses the id for another request", async () => {
    const first = await register(order("b1"));
    expect(first).toMatchObject({ kind: "registered", created: true });
    if (first.kind !== "registered") throw new Error("not registered");
    const view = await viewBulkOrder({ ...stores, clock }, tenant, first.orderId);
    expect(view.bulk).toMatchObject({ state: "Open", creator: tenant, idempotencyId: "b1" });

    expect(await register(order("b1"))).toEqual({ ...first, created: false });
    await expect(register(order("b1", { sendersReference: "other" }))).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "conflict"),
    );
    // Another organisation's idempotencyId is its own.
    expect(await register(order("b1"), "987654325")).toMatchObject({ created: true });
  });

  it("answers a retry whose send time has passed since with its order, and a new such request as invalid", async () => {
    const body = order("b2");
    const first = await register(body);
    clock.set("2026-11-23T11:00:00.000Z");
    try {
      expect(await register(body)).toEqual({ ...first, created: false });
      expect(await register(body, "987654325")).toMatchObject({ kind: "invalid" });
      expect(await register(order("b3"))).toMatchObject({ kind: "invalid" });
    } finally {
      clock.set("2026-11-23T09:00:00.000Z");
    }
  });
});
