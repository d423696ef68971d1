import { describe, expect, it } from "vitest";
import { legacyEmailOrderRequestSchema } from "../../shared/domain/requests/legacyOrder";
import { validate } from "../../shared/domain/requests/validate";
import { registerLegacyOrder } from "../../shared/usecases/registerLegacyOrder";
import type { LegacyRequest } from "../../shared/usecases/steps/orderDrafts";
import { freshDependenciesPerTest } from "../support/freshDependencies";
import { ManualClock } from "../support/pipeline";

const tenant = "991825827";
const clock = new ManualClock(new Date("2026-11-23T09:00:00.000Z"));
const fresh = freshDependenciesPerTest(clock);
const defaults = { emailSenderAddress: "noreply@varsel.local", smsSender: "Varsel" };

/** A v1 `POST orders/email` request, parsed as its route parses it. */
function emailOrder(recipients: Array<Record<string, string>>, requestedSendTime: string): LegacyRequest {
  const body = { sendersReference: "legacy-1", requestedSendTime, recipients, subject: "S", body: "B" };
  const parsed = validate(legacyEmailOrderRequestSchema, body, { now: clock.now() });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { kind: "email", request: parsed.value };
}

const register = (request: LegacyRequest) =>
  registerLegacyOrder(fresh.deps, { tenant, request, defaults, warn: () => {} });

describe("registerLegacyOrder", () => {
  it("registers every request as a new v1 order, with no idempotency record", async () => {
    const request = emailOrder([{ emailAddress: "a@example.com" }], "2026-11-24T09:00:00.000Z");
    const first = await register(request);
    const second = await register(request);
    expect(second.orderId).not.toBe(first.orderId);
    const stored = await fresh.deps.orders.getOrder(first.orderId);
    expect(stored).toMatchObject({
      api: "v1",
      creator: tenant,
      status: "Registered",
      sendersReference: "legacy-1",
    });
    expect(stored?.chain).toBeUndefined();
    // Direct addresses only: v1 leaves the lookup summary out.
    expect(first.recipientLookup).toBeUndefined();
    expect(fresh.publisher.on("processOrder")).toHaveLength(0);
  });

  it("reports the register lookup of looked-up recipients and accepts the order all the same", async () => {
    const request = emailOrder(
      [{ nationalIdentityNumber: "24926810061" }, { nationalIdentityNumber: "15838510075" }],
      "2026-11-24T09:00:00.000Z",
    );
    const receipt = await register(request);
    expect(receipt.recipientLookup).toMatchObject({ status: "PartialSuccess", isReserved: ["24926810061"] });
    expect(await fresh.deps.orders.getOrder(receipt.orderId)).toBeDefined();
  });

  it("releases an order due at once", async () => {
    const receipt = await register(
      emailOrder([{ emailAddress: "a@example.com" }], clock.now().toISOString()),
    );
    expect(fresh.publisher.on("processOrder")).toHaveLength(1);
    expect((await fresh.deps.orders.getOrder(receipt.orderId))?.status).toBe("Processing");
  });
});
