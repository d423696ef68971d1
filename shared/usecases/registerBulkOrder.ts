import { chainIds, requestHash } from "../domain/deterministicIds";
import type { BulkOrderDraft } from "../domain/bulkOrder";
import type { BulkOrderRequest } from "../domain/requests/bulkOrder";
import type { ValidationErrors, ValidationResult } from "../domain/requests/validate";
import { AppError } from "../errors";
import type { BulkOrders } from "../ports/bulkOrders";
import type { Clock } from "../ports/clock";
import { idempotencyIdOf } from "./steps/idempotentRegistration";
import { templates, type OrderDefaults } from "./steps/orderDrafts";
import { bulkOrdersOf } from "./steps/tenantScope";

/** The order fields of a bulk order (as `draftsFromFutureOrder` maps a `recipientPerson`'s settings). */
function draftFromBulkOrder(request: BulkOrderRequest, defaults: OrderDefaults): BulkOrderDraft {
  return {
    sendersReference: request.sendersReference,
    requestedSendTime: request.requestedSendTime,
    notificationChannel: request.channelSchema,
    ignoreReservation: request.ignoreReservation,
    useStaleContactInformation: request.useStaleContactInformation,
    resourceId: request.resourceId,
    resourceAction: request.resourceAction,
    conditionEndpoint: request.conditionEndpoint,
    conditionFailurePolicy: request.conditionFailurePolicy,
    dialogportenAssociation: request.dialogportenAssociation,
    ...templates(request, defaults),
  };
}

/** A bulk order's id derives from (tenant, idempotencyId), in its own kind, so a retry names the same order. */
function bulkOrderIdOf(tenant: string, idempotencyId: string): string {
  return chainIds(tenant, "bulk", idempotencyId).mainOrderId;
}

interface BulkOrderIntake {
  tenant: string;
  /** The body as sent: its hash tells a retry from a reuse of the idempotencyId. */
  body: unknown;
  /** The body checked against the request schema; a retry of an accepted request may no longer pass. */
  validated: ValidationResult<BulkOrderRequest>;
  defaults: OrderDefaults;
}

type BulkOrderOutcome =
  /** `created` false: a retry of the request that registered it. */
  { kind: "registered"; orderId: string; created: boolean } | { kind: "invalid"; errors: ValidationErrors };

/**
 * `POST future/orders/bulk`: the order's settings and templates; its recipients follow in parts. The bulk
 * order is created under its deterministic id, so the create is the idempotency check (no separate record), as
 * for `future/orders`. A retry of the same request gets the same order, also once it would no longer validate
 * (its send time has passed); the same idempotencyId with another request is a conflict (a bulk order has no
 * receipt to replay before its parts are uploaded).
 */
export async function registerBulkOrder(
  deps: { bulkOrders: BulkOrders; clock: Clock },
  intake: BulkOrderIntake,
): Promise<BulkOrderOutcome> {
  const { tenant, body, validated } = intake;
  const bulkOrders = bulkOrdersOf(deps.bulkOrders, tenant);
  if (!validated.ok) {
    const idempotencyId = idempotencyIdOf(body);
    const stored = idempotencyId && (await bulkOrders.get(bulkOrderIdOf(tenant, idempotencyId)));
    return stored && stored.requestHash === requestHash(body)
      ? { kind: "registered", orderId: stored.orderId, created: false }
      : { kind: "invalid", errors: validated.errors };
  }
  const { idempotencyId } = validated.value;
  const orderId = bulkOrderIdOf(tenant, idempotencyId);
  const outcome = await deps.bulkOrders.create({
    orderId,
    creator: tenant,
    created: deps.clock.now().toISOString(),
    idempotencyId,
    requestHash: requestHash(body),
    draft: draftFromBulkOrder(validated.value, intake.defaults),
    state: "Open",
    parts: {},
  });
  if (outcome === "created") return { kind: "registered", orderId, created: true };
  // Not found now: with a collision of name-based ids, not the caller's; the client's retry decides.
  const stored = await bulkOrders.get(orderId);
  if (!stored) throw new AppError("transient", "The bulk order could not be read back.");
  if (stored.requestHash !== requestHash(body)) {
    throw new AppError("conflict", "The idempotencyId has already been used for a different request.");
  }
  return { kind: "registered", orderId, created: false };
}
