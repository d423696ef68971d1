import { describe, expect, it } from "vitest";
import { composedEmailRequestSchema } from "../../shared/domain/requests/composedEmail";
import { validate } from "../../shared/domain/requests/validate";
import { registerComposedEmailOrder } from "../../shared/usecases/registerComposedEmailOrder";
import { registerFutureOrder } from "../../shared/usecases/registerFutureOrder";
import { futureOrderRequestSchema } from "../../shared/domain/requests/futureOrder";
import { freshDependenciesPerTest } from "../support/freshDependencies";
import { ManualClock } from "../support/pipeline";

const tenant = "991825827";
const clock = new ManualClock(new Date("2026-11-23T09:00:00.000Z"));
const fresh = freshDependenciesPerTest(clock);
const defaults = { emailSenderAddress: "noreply@varsel.local", smsSender: "Varsel" };

const composed = (idempotencyId: string, emailAddress: string) => ({
  idempotencyId,
  recipient: { emailAddress, emailSettings: { subject: "S", body: "B" } },
});

function register(body: ReturnType<typeof composed>, onChangedPayload: "replay" | "conflict" = "replay") {
  const parsed = validate(composedEmailRequestSchema({}), body, { now: clock.now() });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return registerComposedEmailOrder(fresh.deps, {
    tenant,
    body,
    request: parsed.value,
    defaults,
    onChangedPayload,
    warn: () => {},
  });
}

describe("registerComposedEmailOrder", () => {
  it("registers one Composed email order, releases it when due, and answers a retry with the same receipt", async () => {
    const first = await register(composed("c1", "a@example.com"));
    expect(first.created).toBe(true);
    expect(await fresh.deps.orders.getOrder(first.receipt.notification.shipmentId)).toMatchObject({
      type: "Composed",
      recipients: [{ emailAddress: "a@example.com" }],
    });
    expect(fresh.publisher.on("processOrder")).toHaveLength(1);

    expect(await register(composed("c1", "a@example.com"))).toEqual({
      receipt: first.receipt,
      created: false,
      payloadChanged: false,
    });
    // A changed body gets the first receipt, marked as changed, as future/orders does by default.
    expect(await register(composed("c1", "b@example.com"))).toEqual({
      receipt: first.receipt,
      created: false,
      payloadChanged: true,
    });
    expect(fresh.publisher.on("processOrder")).toHaveLength(1);
  });

  it("refuses a changed body under a reused idempotencyId with 409 when the strict policy applies", async () => {
    const first = await register(composed("c-strict", "a@example.com"), "conflict");
    await expect(register(composed("c-strict", "b@example.com"), "conflict")).rejects.toMatchObject({
      kind: "conflict",
    });
    expect(await register(composed("c-strict", "a@example.com"), "conflict")).toEqual({
      receipt: first.receipt,
      created: false,
      payloadChanged: false,
    });
  });

  it("keeps its idempotencyIds apart from future/orders'", async () => {
    const mine = await register(composed("shared", "a@example.com"));
    const body = {
      idempotencyId: "shared",
      recipient: {
        recipientEmail: { emailAddress: "a@example.com", emailSettings: { subject: "S", body: "B" } },
      },
    };
    const chain = await registerFutureOrder(fresh.deps, {
      tenant,
      body,
      validated: validate(futureOrderRequestSchema, body, { now: clock.now() }),
      defaults,
      onChangedPayload: "replay",
      warn: () => {},
    });
    expect(chain).toMatchObject({ kind: "registered", created: true });
    if (chain.kind === "registered")
      expect(chain.receipt.notificationOrderId).not.toBe(mine.receipt.notificationOrderId);
  });
});
