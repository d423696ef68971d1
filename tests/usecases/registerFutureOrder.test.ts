import { beforeEach, describe, expect, it } from "vitest";
import { chainIds } from "../../shared/domain/deterministicIds";
import { futureOrderRequestSchema } from "../../shared/domain/requests/futureOrder";
import { validate } from "../../shared/domain/requests/validate";
import { isAppError } from "../../shared/errors";
import { createTemplateVersion } from "../../shared/usecases/createTemplateVersion";
import { registerFutureOrder } from "../../shared/usecases/registerFutureOrder";
import { retireTemplate } from "../../shared/usecases/retireTemplate";
import { sweepOrders } from "../../shared/usecases/sweepOrders";
import { releaseLeaseMs } from "../../shared/domain/recoveryTimes";
import { freshDependenciesPerTest } from "../support/freshDependencies";
import { ManualClock } from "../support/pipeline";

const tenant = "991825827";
const clock = new ManualClock(new Date("2026-11-23T09:00:00.000Z"));
const fresh = freshDependenciesPerTest(clock);
const defaults = { emailSenderAddress: "noreply@varsel.local", smsSender: "Varsel" };

beforeEach(async () => {
  clock.set("2026-11-23T09:00:00.000Z");
});

const emailOrder = (idempotencyId: string, extra: Record<string, unknown> = {}) => ({
  idempotencyId,
  requestedSendTime: "2026-11-24T09:00:00Z",
  recipient: {
    recipientEmail: { emailAddress: "a@example.com", emailSettings: { subject: "S", body: "B" } },
  },
  reminders: [
    {
      delayDays: 1,
      recipient: {
        recipientEmail: { emailAddress: "a@example.com", emailSettings: { subject: "R", body: "B" } },
      },
    },
  ],
  ...extra,
});

function register(
  body: unknown,
  options: { strict?: boolean; warnings?: string[]; deps?: typeof fresh.deps } = {},
) {
  return registerFutureOrder(options.deps ?? fresh.deps, {
    tenant,
    body,
    validated: validate(futureOrderRequestSchema, body, { now: clock.now() }),
    defaults,
    onChangedPayload: options.strict ? "conflict" : "replay",
    warn: (message) => options.warnings?.push(message),
  });
}

describe("registerFutureOrder", () => {
  it("registers the main order and its reminders, and answers a retry with the same receipt", async () => {
    const first = await register(emailOrder("k1"));
    expect(first).toMatchObject({ kind: "registered", created: true, payloadChanged: false });
    if (first.kind !== "registered") throw new Error("not registered");
    const { shipmentId, reminders } = first.receipt.notification;
    expect((await fresh.deps.orders.getOrder(shipmentId))?.chain?.receipt).toEqual(first.receipt);
    expect(await fresh.deps.orders.getOrder(reminders![0]!.shipmentId)).toBeDefined();
    // Not due yet: the sweeper releases it at its send time.
    expect(fresh.publisher.on("processOrder")).toHaveLength(0);

    expect(await register(emailOrder("k1"))).toEqual({ ...first, created: false });
    expect(await register(emailOrder("k1", { sendersReference: "other" }))).toEqual({
      ...first,
      created: false,
      payloadChanged: true,
    });
    await expect(
      register(emailOrder("k1", { sendersReference: "other" }), { strict: true }),
    ).rejects.toSatisfy((e: unknown) => isAppError(e, "conflict"));
  });

  it("stores an order due at once already claimed, in one write, and releases it", async () => {
    const replaced: string[] = [];
    const orders = Object.create(fresh.deps.orders) as typeof fresh.deps.orders;
    orders.updateOrder = (order, changes) => {
      replaced.push(order.id);
      return fresh.deps.orders.updateOrder(order, changes);
    };
    const due = await register(emailOrder("due", { requestedSendTime: undefined, reminders: [] }), {
      deps: { ...fresh.deps, orders },
    });
    if (due.kind !== "registered") throw new Error("not registered");
    expect(replaced).toEqual([]);
    const stored = await fresh.deps.orders.getOrder(due.receipt.notification.shipmentId);
    expect(stored).toMatchObject({ status: "Processing", releaseCount: 1 });
    expect(fresh.publisher.on("processOrder")).toHaveLength(1);
  });

  it("tells a failed immediate release, and the sweeper releases the order once its claim runs out", async () => {
    fresh.publisher.failNext = true;
    const warnings: string[] = [];
    const due = await register(emailOrder("release-fails", { requestedSendTime: undefined, reminders: [] }), {
      warnings,
    });
    expect(due).toMatchObject({ kind: "registered", created: true });
    expect(warnings).toEqual([expect.stringContaining("immediate release failed")]);
    expect((await sweepOrders(fresh.deps)).recovered).toBe(0);
    clock.advance(releaseLeaseMs);
    expect((await sweepOrders(fresh.deps)).recovered).toBe(1);
    expect(fresh.publisher.on("processOrder")).toHaveLength(1);
  });

  it("answers a retry whose send time has passed since with its receipt, and a new such request as invalid", async () => {
    const body = emailOrder("late", { requestedSendTime: "2026-11-23T09:30:00Z", reminders: [] });
    const first = await register(body);
    clock.set("2026-11-23T10:00:00.000Z");
    expect(await register(body)).toEqual({ ...first, created: false });
    expect(await register({ ...body, idempotencyId: "late-2" })).toMatchObject({
      kind: "invalid",
      errors: { requestedSendTime: [expect.any(String)] },
    });
  });

  it("answers a retry with its receipt after its template was retired, and refuses a new request naming it", async () => {
    await createTemplateVersion(fresh.deps, tenant, {
      name: "case-update",
      email: { contentType: "Plain", nb: { subject: "S", body: "B" } },
    });
    const byTemplate = (idempotencyId: string) => ({
      idempotencyId,
      requestedSendTime: "2026-11-24T09:00:00Z",
      recipient: {
        recipientPerson: {
          nationalIdentityNumber: "30859910013",
          channelSchema: "Email",
          template: { name: "case-update" },
        },
      },
    });
    const first = await register(byTemplate("templated"));
    expect(first).toMatchObject({ kind: "registered", created: true });
    await retireTemplate(fresh.deps, tenant, "case-update");
    expect(await register(byTemplate("templated"))).toEqual({ ...first, created: false });
    await expect(register(byTemplate("templated-2"))).rejects.toSatisfy((e: unknown) =>
      isAppError(e, "validation"),
    );
  });

  it("refuses a person without contact details and stores nothing", async () => {
    const body = {
      idempotencyId: "no-contact",
      recipient: {
        recipientPerson: {
          nationalIdentityNumber: "01019010046",
          channelSchema: "Email",
          emailSettings: { subject: "S", body: "B" },
        },
      },
    };
    await expect(register(body)).rejects.toSatisfy((e: unknown) => isAppError(e, "missing-contact"));
    expect(
      await fresh.deps.orders.getOrder(chainIds(tenant, "order", "no-contact").mainOrderId),
    ).toBeUndefined();
  });
});
