import { chainIdFor, deterministicId, requestHash } from "../domain/ids";
import type { ChainReceipt, NewOrder, OrderDocument } from "../domain/order";
import { AppError } from "../errors";
import type { Clock } from "../ports/clock";
import type { OrderStore } from "../ports/orderStore";

export interface ChainRequest {
  tenant: string;
  /** What kind of request the idempotencyId belongs to (`order`, `instant-sms`, …): each has its own ids. */
  kind?: string;
  idempotencyId: string;
  /** The request body as sent; its hash tells a replay from a reuse of the idempotencyId. */
  body: unknown;
  /** Builds the chain's orders, main order first; called again with the original time when a replay finishes a chain. */
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

/** Every id of a chain derives from (tenant, kind, idempotencyId), so a retry names the same documents. */
export function chainIds(tenant: string, kind: string, idempotencyId: string): ChainIds {
  const chainId = chainIdFor(tenant, kind, idempotencyId);
  return {
    chainId,
    mainOrderId: mainOrderIdOf(chainId),
    reminderOrderId: (index) => deterministicId(chainId, `reminder:${index}`),
  };
}

export function mainOrderIdOf(chainId: string): string {
  return deterministicId(chainId, "main");
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

/** The earlier registration of the same request, or a conflict if the idempotencyId named another request. */
async function replay(
  deps: { orders: OrderStore },
  request: ChainRequest,
  ids: ChainIds,
  main: OrderDocument,
): Promise<ChainRegistration> {
  if (main.creator !== request.tenant || main.chain?.requestHash !== requestHash(request.body)) {
    throw new AppError("conflict", "The idempotencyId has already been used for a different request.");
  }
  const drafts = request.buildOrders(ids, new Date(main.created));
  // A registration that stopped after the main order is finished by the replay (create-if-absent).
  for (const reminder of drafts.slice(1)) await deps.orders.createOrder(reminder);
  return { receipt: main.chain.receipt, created: false, orders: drafts };
}

async function storedMain(deps: { orders: OrderStore }, ids: ChainIds): Promise<OrderDocument | undefined> {
  return deps.orders.getOrder(ids.mainOrderId);
}

/**
 * Registers a `future/orders` request. The main order is created first under its deterministic id and
 * carries the request's idempotency record, so its create is the idempotency check (no extra read or
 * write for a new request); then each reminder under its deterministic id. A retry of the same request
 * returns the original receipt and finishes an interrupted registration.
 */
export async function registerOrderChain(
  deps: { orders: OrderStore; clock: Clock },
  request: ChainRequest,
): Promise<ChainRegistration> {
  const ids = chainIds(request.tenant, request.kind ?? "order", request.idempotencyId);
  const now = deps.clock.now();
  const drafts = request.buildOrders(ids, now);
  try {
    await request.precheck?.(drafts);
  } catch (error) {
    // A replay is answered with its receipt even if the registers changed since the first request.
    const earlier = await storedMain(deps, ids);
    if (earlier) return replay(deps, request, ids, earlier);
    throw error;
  }
  const receipt = receiptOf(ids.chainId, drafts);
  const [main, ...reminders] = drafts;
  const chain = {
    idempotencyId: request.idempotencyId,
    requestHash: requestHash(request.body),
    orderIds: drafts.map((d) => d.id),
    receipt,
  };
  if ((await deps.orders.createOrder({ ...main!, chain })) === "exists") {
    const earlier = await storedMain(deps, ids);
    if (!earlier) throw new AppError("transient", "The order could not be read back.");
    return replay(deps, request, ids, earlier);
  }
  for (const reminder of reminders) await deps.orders.createOrder(reminder);
  return { receipt, created: true, orders: drafts };
}

/**
 * Finds an earlier registration of exactly this request, so a retry that no longer validates (its send
 * time has passed) still gets its receipt — but only once every order of the chain is stored.
 */
export async function findReplay(
  deps: { orders: OrderStore },
  tenant: string,
  idempotencyId: string,
  body: unknown,
): Promise<ChainReceipt | undefined> {
  const main = await storedMain(deps, chainIds(tenant, "order", idempotencyId));
  if (!main?.chain || main.creator !== tenant || main.chain.requestHash !== requestHash(body))
    return undefined;
  const stored = await Promise.all(main.chain.orderIds.map((id) => deps.orders.getOrder(id)));
  return stored.every(Boolean) ? main.chain.receipt : undefined;
}
