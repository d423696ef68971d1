import { chainIdFor, deterministicId, requestHash } from "../domain/deterministicIds";
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
  /**
   * What a reused idempotencyId with a different body gets: `replay` (Altinn: 200 with the original receipt,
   * the new content ignored) or `conflict` (409). Default `replay`.
   */
  onChangedPayload?: ChangedPayloadPolicy;
  /** Other kinds whose chains share this kind's idempotencyIds (Altinn keys instant orders by creator and id). */
  sharesIdsWith?: readonly string[];
  /**
   * Aborts when the client went away (where the platform can tell). Checked once, just before the first
   * write: a request stopped there stored nothing; past it the chain is accepted and registered whole.
   */
  signal?: AbortSignal;
}

export type ChangedPayloadPolicy = "replay" | "conflict";

export interface ChainIds {
  chainId: string;
  mainOrderId: string;
  reminderOrderId(index: number): string;
}

export interface ChainRegistration {
  receipt: ChainReceipt;
  /** False when an earlier request with the same idempotencyId already registered this chain. */
  created: boolean;
  /** A replay whose body differs from the request that registered the chain (its content was ignored). */
  payloadChanged: boolean;
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

const reusedIdMessage = "The idempotencyId has already been used for a different request.";

/**
 * The earlier registration under the same idempotencyId. The same body finishes a registration that stopped
 * after the main order (create-if-absent); a different body gets the original receipt as it stands (Altinn),
 * or a conflict under the strict policy. A different body cannot finish an interrupted registration, since
 * the original reminders are not known: that is a conflict too, until the original request is retried.
 */
async function replay(
  deps: { orders: OrderStore },
  request: ChainRequest,
  ids: ChainIds,
  main: OrderDocument,
): Promise<ChainRegistration> {
  if (main.creator !== request.tenant || !main.chain) throw new AppError("conflict", reusedIdMessage);
  const { chain } = main;
  if (chain.requestHash === requestHash(request.body)) {
    const drafts = request.buildOrders(ids, new Date(main.created));
    for (const reminder of drafts.slice(1)) await deps.orders.createOrder(reminder);
    return { receipt: chain.receipt, created: false, payloadChanged: false, orders: drafts };
  }
  if ((request.onChangedPayload ?? "replay") === "conflict") throw new AppError("conflict", reusedIdMessage);
  const stored = await Promise.all(chain.orderIds.map((id) => deps.orders.getOrder(id)));
  const orders = stored.filter((order) => order !== undefined);
  if (orders.length !== chain.orderIds.length) throw new AppError("conflict", reusedIdMessage);
  return { receipt: chain.receipt, created: false, payloadChanged: true, orders };
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
  for (const kind of request.sharesIdsWith ?? []) {
    const otherIds = chainIds(request.tenant, kind, request.idempotencyId);
    const other = await storedMain(deps, otherIds);
    if (other) return replay(deps, { ...request, kind }, otherIds, other);
  }
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
  if (request.signal?.aborted) {
    throw new AppError("client-closed", "The client went away before the order chain was stored.");
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
  return { receipt, created: true, payloadChanged: false, orders: drafts };
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
