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

async function writeOrders(orders: OrderStore, chain: ChainDocument, drafts: NewOrder[]): Promise<void> {
  for (const draft of drafts) await orders.createOrder(draft);
  await orders.markChainMaterialized(chain);
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
  // A registration that stopped between the chain and its orders is finished by the replay.
  if (!existing.materialized) await writeOrders(deps.orders, existing, drafts);
  return { receipt: existing.receipt, created: false, orders: drafts };
}

/**
 * Registers an idempotent request (an order chain, or an instant order): the chain record is written
 * first under a deterministic id, then every order under its deterministic id, then the chain is marked
 * complete. A retry of the same request returns the original receipt and finishes an interrupted write.
 */
export async function registerOrderChain(
  deps: { orders: OrderStore; clock: Clock },
  request: ChainRequest,
): Promise<ChainRegistration> {
  const ids = chainIds(request.tenant, request.kind, request.idempotencyId);
  const existing = await deps.orders.getChain(ids.chainId);
  if (existing) return replay(deps, request, ids, existing);

  const now = deps.clock.now();
  const drafts = request.buildOrders(ids, now);
  await request.precheck?.(drafts);
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
    materialized: false,
  };
  if ((await deps.orders.createChain(chain)) === "exists") {
    const raced = await deps.orders.getChain(ids.chainId);
    if (!raced) throw new AppError("transient", "The order chain could not be read back.");
    return replay(deps, request, ids, raced);
  }
  await writeOrders(deps.orders, { ...chain, pk: chain.id, docType: "chain" }, drafts);
  return { receipt, created: true, orders: drafts };
}

/** Finds an earlier registration of exactly this request, so a retry that no longer validates still replays. */
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
  return existing.materialized ? existing.receipt : undefined;
}
