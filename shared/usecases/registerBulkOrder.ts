import { requestHash } from "../domain/deterministicIds";
import type { BulkOrderDocument, BulkOrderDraft } from "../domain/bulkOrder";
import type { BulkOrderRequest } from "../domain/requests/bulkOrder";
import { AppError } from "../errors";
import type { BulkOrders } from "../ports/bulkOrders";
import type { Clock } from "../ports/clock";
import { templates, type OrderDefaults } from "./orderDrafts";
import { chainIds } from "./registerOrderChain";

/** The order fields of a bulk order (as `draftsFromFutureOrder` maps a `recipientPerson`'s settings). */
export function draftFromBulkOrder(request: BulkOrderRequest, defaults: OrderDefaults): BulkOrderDraft {
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
export function bulkOrderIdOf(tenant: string, idempotencyId: string): string {
  return chainIds(tenant, "bulk", idempotencyId).mainOrderId;
}

/** The earlier registration of exactly this request, if any; another request under the idempotencyId is a conflict. */
function replayOf(stored: BulkOrderDocument, tenant: string, body: unknown): BulkOrderDocument {
  if (stored.creator !== tenant || stored.requestHash !== requestHash(body)) {
    throw new AppError("conflict", "The idempotencyId has already been used for a different request.");
  }
  return stored;
}

/**
 * Registers a bulk order: its document is created under the deterministic id, so the create is the
 * idempotency check (no separate record), as for `future/orders`. A retry of the same request gets the same
 * order; the same idempotencyId with another request is a conflict.
 */
export async function registerBulkOrder(
  deps: { bulkOrders: BulkOrders; clock: Clock },
  request: { tenant: string; idempotencyId: string; body: unknown; draft: BulkOrderDraft },
): Promise<{ orderId: string; created: boolean }> {
  const orderId = bulkOrderIdOf(request.tenant, request.idempotencyId);
  const outcome = await deps.bulkOrders.create({
    orderId,
    creator: request.tenant,
    created: deps.clock.now().toISOString(),
    idempotencyId: request.idempotencyId,
    requestHash: requestHash(request.body),
    draft: request.draft,
    state: "Open",
    parts: {},
  });
  if (outcome === "created") return { orderId, created: true };
  const stored = await deps.bulkOrders.get(orderId);
  if (!stored) throw new AppError("transient", "The bulk order could not be read back.");
  replayOf(stored, request.tenant, request.body);
  return { orderId, created: false };
}

/**
 * The earlier registration of exactly this request, for a retry that no longer validates (its send time
 * has passed since): it still gets its order.
 */
export async function findBulkReplay(
  deps: { bulkOrders: BulkOrders },
  tenant: string,
  idempotencyId: string,
  body: unknown,
): Promise<string | undefined> {
  const stored = await deps.bulkOrders.get(bulkOrderIdOf(tenant, idempotencyId));
  if (!stored || stored.creator !== tenant || stored.requestHash !== requestHash(body)) return undefined;
  return stored.orderId;
}

/** The tenant's bulk order; another tenant's is indistinguishable from a missing one. */
export async function getTenantBulkOrder(
  bulkOrders: BulkOrders,
  tenant: string,
  orderId: string,
): Promise<BulkOrderDocument> {
  const stored = await bulkOrders.get(orderId);
  if (!stored || stored.creator !== tenant) throw new AppError("not-found", "Bulk order not found.");
  return stored;
}
