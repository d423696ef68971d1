import { chainIdFor, deterministicId, requestHash } from "../domain/ids";
import type { ChainDocument, ChainReceipt, NewOrder } from "../domain/order";
import { AppError } from "../errors";
import type { Clock } from "../ports/clock";
import type { OrderStore } from "../ports/orderStore";

export type ChainKind = ChainDocument["kind"];

export interface ChainRequest {
  tenant: string;
  kind: ChainKind;
  idempotencyId: string;
  /** The request body as sent; its hash tells a replay from a reuse of the idempotencyId. */
  body: unknown;
  /** Builds the chain's orders; called again with the original creation time when a replay finishes a chain. */
  buildOrders(ids: ChainIds, now: Date): NewOrder[];
  /** Runs before anything is stored: throws to refuse the request (e.g. missing contact information). */
  precheck?(orders: NewOrder[]): Promise<void>;
}

export interface ChainIds {
  chainId: string;
  mainOrderId: string;
  reminderOrderId(index: number): string;
}

export interface ChainRegistration {
  receipt: ChainReceipt;
  /** False when an earlier request with the same idempotencyId already registered this chain. */
  created: boolean;
  orders: NewOrder[];
}

export function chainIds(tenant: string, kind: ChainKind, idempotencyId: string): ChainIds {
  const chainId = chainIdFor(tenant, kind, idempotencyId);
  return {
    chainId,
    mainOrderId: deterministicId(chainId, "main"),
    reminderOrderId: (index) => deterministicId(chainId, `reminder:${index}`),
  };
}

function receiptOf(chainId: string, orders: NewOrder[]): ChainReceipt {
  const [main, ...reminders] = orders;
  if (!main) throw new AppError("permanent", "an order chain needs a main order");
  return {
    notificationOrderId: chainId,
    notification: {
      shipmentId: main.id,
      sendersReference: main.sendersReference,
      ...(reminders.length > 0
        ? { reminders: reminders.map((r) => ({ shipmentId: r.id, sendersReference: r.sendersReference })) }
        : {}),
    },
  };
}

async function writeOrders(orders: OrderStore, drafts: NewOrder[]): Promise<void> {
  for (const draft of drafts) await orders.createOrder(draft);
}

/** The earlier registration of the same request, or a conflict if the idempotencyId named another request. */
async function replay(
  deps: { orders: OrderStore },
  request: ChainRequest,
  ids: ChainIds,
  existing: ChainDocument,
): Promise<ChainRegistration> {
  if (existing.creator !== request.tenant || existing.requestHash !== requestHash(request.body)) {
    throw new AppError("conflict", "The idempotencyId has already been used for a different request.");
  }
  const drafts = request.buildOrders(ids, new Date(existing.created));
  // A registration that stopped between the chain and its orders is finished by the replay (creates are
  // create-if-absent, so orders already there stay as they are).
  await writeOrders(deps.orders, drafts);
  return { receipt: existing.receipt, created: false, orders: drafts };
}

async function existingChain(deps: { orders: OrderStore }, chainId: string): Promise<ChainDocument> {
  const chain = await deps.orders.getChain(chainId);
  if (!chain) throw new AppError("transient", "The order chain could not be read back.");
  return chain;
}

/**
 * Registers an idempotent request (an order chain, or an instant order): the chain record is created first
 * under a deterministic id — its existence is the idempotency check, so a new request costs no extra read —
 * then every order under its deterministic id. A retry of the same request returns the original receipt and
 * finishes an interrupted write.
 */
export async function registerOrderChain(
  deps: { orders: OrderStore; clock: Clock },
  request: ChainRequest,
): Promise<ChainRegistration> {
  const ids = chainIds(request.tenant, request.kind, request.idempotencyId);
  const now = deps.clock.now();
  const drafts = request.buildOrders(ids, now);
  try {
    await request.precheck?.(drafts);
  } catch (error) {
    // A replay is answered with its receipt even if the registers changed since the first request.
    const earlier = await deps.orders.getChain(ids.chainId);
    if (earlier) return replay(deps, request, ids, earlier);
    throw error;
  }
  const receipt = receiptOf(ids.chainId, drafts);
  const chain = {
    id: ids.chainId,
    creator: request.tenant,
    kind: request.kind,
    idempotencyId: request.idempotencyId,
    requestHash: requestHash(request.body),
    created: now.toISOString(),
    receipt,
    orderIds: drafts.map((d) => d.id),
  };
  if ((await deps.orders.createChain(chain)) === "exists") {
    return replay(deps, request, ids, await existingChain(deps, ids.chainId));
  }
  await writeOrders(deps.orders, drafts);
  return { receipt, created: true, orders: drafts };
}

/**
 * Finds an earlier registration of exactly this request, so a retry that no longer validates (its send
 * time has passed) still gets its receipt — but only once every order of the chain is stored.
 */
export async function findReplay(
  deps: { orders: OrderStore },
  tenant: string,
  kind: ChainKind,
  idempotencyId: string,
  body: unknown,
): Promise<ChainReceipt | undefined> {
  const existing = await deps.orders.getChain(chainIds(tenant, kind, idempotencyId).chainId);
  if (!existing || existing.creator !== tenant || existing.requestHash !== requestHash(body))
    return undefined;
  const stored = await Promise.all(existing.orderIds.map((id) => deps.orders.getOrder(id)));
  return stored.every(Boolean) ? existing.receipt : undefined;
}
