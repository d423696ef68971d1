import { randomUUID } from "node:crypto";
import { chainIds, requestHash, type ChainIds } from "../../domain/deterministicIds";
import type { ChainReceipt, NewOrder, OrderDocument } from "../../domain/order";
import { AppError } from "../../errors";
import type { Clock } from "../../ports/clock";
import type { OrderStore } from "../../ports/orderStore";
import type { ChainOrder, TenantOrders } from "../../ports/tenantScoped";
import { isChainOrder, ordersOf } from "./tenantScope";

/*
 * The one idempotency mechanism of order intake: `future/orders`, `composed-email`, the instant routes, and the
 * v1 routes (which have no idempotencyId, so each of their requests is simply new) all register their orders
 * through `registerOrders`.
 *
 * The orders of a request with an idempotencyId get ids derived from (tenant, kind, idempotencyId), and its main
 * order carries the request's idempotency record (`chain`: the body's hash, the order ids, the receipt). So
 * creating the main order is the idempotency check: no separate record is written or read for a new request,
 * and of two simultaneous identical requests exactly one creates it, the other replays. The HTTP side of it (the
 * `Varsel-Idempotency` request header, the `Varsel-Idempotency-Replay` answer header) is `http/idempotency.ts`.
 *
 * Stored documents: this file changes no stored shape. Every order accepted since 2026-12-04 (future, composed
 * and instant alike) keeps its record in this shape on its main order. Orders accepted before the record moved
 * there (future orders before 2026-11-23, instant orders before 2026-12-04) kept it in a separate chain
 * document, which nothing has read since: their main order, found without a record, answers a
 * retry as a used idempotencyId (409), as it has since then.
 */

/**
 * What a reused idempotencyId with a different body gets: `replay` (Altinn: 200 with the original receipt, the
 * new content ignored) or `conflict` (409).
 */
export type ChangedPayloadPolicy = "replay" | "conflict";

/** The key of an idempotent request: a retry under it names the same orders and gets the same receipt. */
export interface IdempotencyKey {
  /** What kind of request the idempotencyId belongs to (`order`, `composed`, `instant-sms`, …): each has its own ids. */
  kind: string;
  idempotencyId: string;
  /** The request body as sent; its hash tells a replay from a reuse of the idempotencyId. */
  body: unknown;
  /** Default `replay`. */
  onChangedPayload?: ChangedPayloadPolicy;
  /** Other kinds whose chains share this kind's idempotencyIds (Altinn keys instant orders by creator and id). */
  sharesIdsWith?: readonly string[];
}

export interface RegistrationRequest {
  tenant: string;
  /**
   * The request's idempotency key. A v1 request (`POST orders`, `orders/email`, `orders/sms`) has none, as in
   * Altinn: it is registered as new every time, under fresh random ids, and its order carries no record.
   */
  key?: IdempotencyKey;
  /** Builds the orders, main order first; called again with the original time when a replay finishes a chain. */
  buildOrders(ids: ChainIds, now: Date): NewOrder[];
  /** Runs before anything is stored: throws to refuse the request (e.g. missing contact information). */
  precheck?(orders: NewOrder[]): Promise<void>;
  /** The orders as this request stores them, after the precheck (never a replay's), e.g. claimed if due. */
  storedAs?(orders: NewOrder[]): Promise<NewOrder[]>;
  /**
   * Aborts when the client went away (where the platform can tell). Checked once, just before the first write:
   * a request stopped there stored nothing; past it the orders are accepted and registered whole.
   */
  signal?: AbortSignal;
}

interface Registration {
  receipt: ChainReceipt;
  /** False when an earlier request with the same idempotencyId already registered these orders. */
  created: boolean;
  /** A replay whose body differs from the request that registered the orders (its content was ignored). */
  payloadChanged: boolean;
  orders: NewOrder[];
}

interface RegistrationDeps {
  orders: OrderStore;
  clock: Clock;
}

/** The idempotencyId of a body that did not validate, if it has a usable one. */
export function idempotencyIdOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("idempotencyId" in body)) return undefined;
  const { idempotencyId } = body;
  return typeof idempotencyId === "string" && idempotencyId.trim() !== "" ? idempotencyId : undefined;
}

/** The ids of a request without an idempotency key: its own, never derived, never met again. */
function freshIds(): ChainIds {
  return { chainId: randomUUID(), mainOrderId: randomUUID(), reminderOrderId: () => randomUUID() };
}

function receiptOf(chainId: string, main: NewOrder, reminders: NewOrder[]): ChainReceipt {
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
 * The answer to a request whose key an earlier registration holds. The same body finishes a registration that
 * stopped after the main order (create-if-absent); a different body gets the original receipt as it stands
 * (Altinn), or a conflict under the strict policy. A different body cannot finish an interrupted registration,
 * since the original reminders are not known: that is a conflict too, until the original request is retried.
 */
async function replay(
  deps: RegistrationDeps,
  orders: TenantOrders,
  request: RegistrationRequest,
  key: IdempotencyKey,
  earlier: ChainOrder,
): Promise<Registration> {
  const { chain } = earlier;
  if (chain.requestHash === requestHash(key.body)) {
    const ids = chainIds(request.tenant, key.kind, key.idempotencyId);
    const drafts = request.buildOrders(ids, new Date(earlier.created));
    for (const reminder of drafts.slice(1)) await deps.orders.createOrder(reminder);
    return { receipt: chain.receipt, created: false, payloadChanged: false, orders: drafts };
  }
  if ((key.onChangedPayload ?? "replay") === "conflict") throw new AppError("conflict", reusedIdMessage);
  const stored = await Promise.all(chain.orderIds.map((id) => orders.getOrder(id)));
  const found = stored.filter((order) => order !== undefined);
  if (found.length !== chain.orderIds.length) throw new AppError("conflict", reusedIdMessage);
  return { receipt: chain.receipt, created: false, payloadChanged: true, orders: found };
}

/**
 * What the caller stored under this key: nothing, the main order of its registration (with the record), or
 * an order under the main order's id that carries no record of the key (so the key counts as used).
 */
type Earlier = { record: ChainOrder } | { taken: OrderDocument } | undefined;

async function earlierRegistration(
  orders: TenantOrders,
  tenant: string,
  key: Pick<IdempotencyKey, "kind" | "idempotencyId">,
): Promise<Earlier> {
  const main = await orders.getOrder(chainIds(tenant, key.kind, key.idempotencyId).mainOrderId);
  if (!main) return undefined;
  return isChainOrder(main) ? { record: main } : { taken: main };
}

/** A replay of the registration found under the key; a key an order holds without a record is used. */
function replayOf(
  deps: RegistrationDeps,
  orders: TenantOrders,
  request: RegistrationRequest,
  key: IdempotencyKey,
  earlier: NonNullable<Earlier>,
): Promise<Registration> {
  if ("taken" in earlier) throw new AppError("conflict", reusedIdMessage);
  return replay(deps, orders, request, key, earlier.record);
}

/**
 * Registers the orders of one intake request: the main order first (with the idempotency record when the
 * request has a key), then each reminder. A retry of the same request returns the original receipt and
 * finishes an interrupted registration; the result says whether this request created the orders.
 */
export async function registerOrders(
  deps: RegistrationDeps,
  request: RegistrationRequest,
): Promise<Registration> {
  const { key, tenant } = request;
  const orders = ordersOf(deps.orders, tenant);
  // Altinn keys every instant order by (creator, idempotencyId), whatever its channel or route.
  if (key) {
    for (const kind of key.sharesIdsWith ?? []) {
      const shared = { ...key, kind };
      const earlier = await earlierRegistration(orders, tenant, shared);
      if (earlier) return replayOf(deps, orders, request, shared, earlier);
    }
  }
  const ids = key ? chainIds(tenant, key.kind, key.idempotencyId) : freshIds();
  const drafts = request.buildOrders(ids, deps.clock.now());
  try {
    await request.precheck?.(drafts);
  } catch (error) {
    // A replay is answered with its receipt even if the registers changed since the first request.
    const earlier = key && (await earlierRegistration(orders, tenant, key));
    if (key && earlier) return replayOf(deps, orders, request, key, earlier);
    throw error;
  }
  const stored = request.storedAs ? await request.storedAs(drafts) : drafts;
  if (request.signal?.aborted) {
    throw new AppError("client-closed", "The client went away before the order chain was stored.");
  }
  const [main, ...reminders] = stored;
  if (!main) throw new AppError("permanent", "a registration needs a main order");
  const receipt = receiptOf(ids.chainId, main, reminders);
  const record = key && {
    idempotencyId: key.idempotencyId,
    requestHash: requestHash(key.body),
    orderIds: stored.map((d) => d.id),
    receipt,
  };
  const outcome = await deps.orders.createOrder(record ? { ...main, chain: record } : main);
  // Without a key the ids are this request's own: "exists" can only be its own earlier write.
  if (key && outcome === "exists") {
    // Not found now: removed meanwhile (a failed instant send), or, with a collision of name-based ids, not
    // the caller's. Either way the client's retry decides.
    const earlier = await earlierRegistration(orders, tenant, key);
    if (!earlier) throw new AppError("transient", "The order could not be read back.");
    return replayOf(deps, orders, request, key, earlier);
  }
  for (const reminder of reminders) await deps.orders.createOrder(reminder);
  return { receipt, created: true, payloadChanged: false, orders: stored };
}

/**
 * The receipt of an earlier registration of exactly this request, for a retry the service would now refuse
 * (its send time has passed, its template was retired): it still gets its receipt, but only once every order
 * of the chain is stored.
 */
export async function findRegistration(
  deps: { orders: OrderStore },
  tenant: string,
  key: { kind: string; idempotencyId: string | undefined; body: unknown },
): Promise<ChainReceipt | undefined> {
  if (key.idempotencyId === undefined) return undefined;
  const orders = ordersOf(deps.orders, tenant);
  const earlier = await earlierRegistration(orders, tenant, { ...key, idempotencyId: key.idempotencyId });
  if (!earlier || !("record" in earlier)) return undefined;
  const { chain } = earlier.record;
  if (chain.requestHash !== requestHash(key.body)) return undefined;
  const stored = await Promise.all(chain.orderIds.map((id) => orders.getOrder(id)));
  return stored.every(Boolean) ? chain.receipt : undefined;
}
