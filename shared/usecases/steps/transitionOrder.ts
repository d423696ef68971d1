import type { FeedDraft, NewOrder, OrderDocument } from "../../domain/order";
import { feedConfirmGraceMs } from "../../domain/recoveryTimes";
import {
  altinnFeedStatuses,
  emailLifecycleName,
  finalOrderStatuses,
  orderLifecycleName,
  smsLifecycleName,
  type OrderStatus,
} from "../../domain/statuses";
import type { Clock } from "../../ports/clock";
import type { FeedAudience } from "../../ports/feedAudience";
import type { NotificationStore } from "../../ports/notificationStore";
import type { OrderStore } from "../../ports/orderStore";
import type { StatusFeed } from "../../ports/statusFeed";

export interface TransitionDeps {
  orders: OrderStore;
  notifications: NotificationStore;
  statusFeed: StatusFeed;
  feedAudience: FeedAudience;
  clock: Clock;
}

/** A feed entry lists recipients only for orders small enough to keep the entry far below Cosmos' 2 MB item limit. */
export const maxFeedRecipients = 1000;

type OrderChanges = Partial<Omit<OrderDocument, "id" | "pk" | "docType" | "status" | "feedOutbox">>;

/** The order's notifications: point reads when the order lists them, else one single-partition query. */
function notificationsOf(deps: Pick<TransitionDeps, "notifications">, order: NewOrder) {
  return order.notificationIds
    ? deps.notifications.getMany(order.id, order.notificationIds)
    : deps.notifications.listByOrder(order.id);
}

async function feedDraft(
  deps: TransitionDeps,
  order: NewOrder,
  status: OrderStatus,
  at: string,
): Promise<FeedDraft> {
  const final = status === "Completed" || status === "SendConditionNotMet";
  // An order of more recipients than an entry lists is not read at all: a population-wide order would load
  // every one of its notifications into memory only to list none.
  const listable = (order.recipientCount ?? order.recipients.length) <= maxFeedRecipients;
  const notifications = final && listable ? await notificationsOf(deps, order) : [];
  const omitted = final && (!listable || notifications.length > maxFeedRecipients);
  return {
    status: orderLifecycleName(status),
    lastUpdate: at,
    recipients: omitted
      ? []
      : notifications.map((n) => ({
          destination: n.recipient.address ?? "",
          status: n.channel === "email" ? emailLifecycleName(n.status) : smsLifecycleName(n.status),
          lastUpdate: n.statusChangedAt,
        })),
    // The webhook dispatcher reads such an order's recipients from its notifications, a page at a time.
    ...(omitted ? { recipientsOmitted: true } : {}),
  };
}

/** Drafts of the order's outbox that are not in the feed yet (point reads). */
async function unconfirmed(deps: TransitionDeps, order: OrderDocument): Promise<FeedDraft[]> {
  const drafts: FeedDraft[] = [];
  for (const draft of order.feedOutbox ?? []) {
    if (!(await deps.statusFeed.has(order.creator, order.id, draft.status))) drafts.push(draft);
  }
  return drafts;
}

/** Appends the drafts to the feed in the order they were written; true when the last one is new there. */
async function appendDrafts(deps: TransitionDeps, order: NewOrder, drafts: FeedDraft[]) {
  let appended = false;
  for (const draft of drafts) {
    appended = await deps.statusFeed.append({
      creator: order.creator,
      shipmentId: order.id,
      sendersReference: order.sendersReference,
      shipmentType: order.type,
      ...draft,
      created: deps.clock.now().toISOString(),
      traceparent: order.traceparent,
    });
  }
  return appended;
}

/**
 * When the sweeper looks at an order next: `sweepAt`, or sooner while its outbox holds entries, so the sweeper
 * appends any that a process which died after the write left behind.
 */
function sweepAfter(now: Date, pending: FeedDraft[], sweepAt: string | undefined): string | undefined {
  if (pending.length === 0) return sweepAt;
  const feedDue = new Date(now.getTime() + feedConfirmGraceMs).toISOString();
  return sweepAt === undefined || sweepAt > feedDue ? feedDue : sweepAt;
}

/** A final outcome always has its feed entry; any other transition only in a feed that lists transitions. */
async function hasFeedEntry(deps: TransitionDeps, order: NewOrder, status: OrderStatus) {
  return altinnFeedStatuses.has(status) || deps.feedAudience.listsTransitions(order.creator);
}

/**
 * Moves an order to a new status under its ETag, with the status-feed entry of the change (if it has one)
 * written into the order in the same replace, then appends that entry to the feed (Completed is appended
 * first: see `completeOrder`). A process that dies in between loses no entry: the order's `sweepAt` brings
 * the sweeper, which appends what is left (`confirmFeed`). A lost race surfaces as AppError "conflict" for
 * the caller to re-read and decide again.
 */
export async function transitionOrder(
  deps: TransitionDeps,
  order: OrderDocument,
  status: OrderStatus,
  changes: OrderChanges = {},
): Promise<OrderDocument> {
  if (status === "Completed") return completeOrder(deps, order, changes, "always");
  const now = deps.clock.now();
  const at = now.toISOString();
  const pending = await unconfirmed(deps, order);
  if (await hasFeedEntry(deps, order, status)) pending.push(await feedDraft(deps, order, status, at));
  const final = finalOrderStatuses.has(status);
  // A final order with nothing pending leaves the sweeper's list at once.
  const sweepAt = final && pending.length === 0 ? changes.sweepAt : (changes.sweepAt ?? order.sweepAt);
  const updated = await deps.orders.updateOrder(order, {
    ...changes,
    status,
    statusChangedAt: at,
    feedOutbox: pending.length > 0 ? pending : undefined,
    sweepAt: sweepAfter(now, pending, sweepAt),
  });
  if (pending.length === 0) return updated;
  try {
    await appendDrafts(deps, updated, pending);
  } catch {
    // The entries stay in the order's outbox, and its sweepAt brings the sweeper to append them.
    return updated;
  }
  if (!final) return updated;
  // A final order has nothing else pending: clearing the outbox takes it off the sweeper's list.
  return clearConfirmed(deps, updated, changes.sweepAt);
}

/**
 * A new order stored already in `status` (an order due at intake, stored claimed): the transition's fields,
 * and its feed entry where it has one, on the document to create, so one create does a create's and a
 * replace's work. `appendCreatedOutbox` appends the entry once the order is stored.
 */
export async function createdInStatus(
  deps: TransitionDeps,
  order: NewOrder,
  status: "Processing",
  changes: OrderChanges & { sweepAt: string },
): Promise<NewOrder> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const pending = (await hasFeedEntry(deps, order, status)) ? [await feedDraft(deps, order, status, at)] : [];
  return {
    ...order,
    ...changes,
    status,
    statusChangedAt: at,
    ...(pending.length > 0 ? { feedOutbox: pending } : {}),
    sweepAt: sweepAfter(now, pending, changes.sweepAt),
  };
}

/** Appends the feed entries a just-created order holds; one that fails stays for the sweeper (its sweepAt). */
export async function appendCreatedOutbox(deps: TransitionDeps, order: NewOrder): Promise<void> {
  try {
    await appendDrafts(deps, order, order.feedOutbox ?? []);
  } catch {
    // The order's sweepAt brings the sweeper, which appends what is left (`confirmFeed`).
  }
}

/**
 * Completes a processed order. Completion follows from the notifications' final statuses alone: once its
 * feed entry is recorded the order will be completed (the sweeper completes one whose replace below was
 * lost), so the entry goes first and needs no outbox. The entry's create also settles a race between
 * completers: with `ifFirst`, a caller that finds it already recorded, or an earlier entry still being
 * appended, leaves the completion to that worker (or the sweeper) and returns undefined.
 */
export function completeOrder(
  deps: TransitionDeps,
  order: OrderDocument,
  changes: OrderChanges,
  mode: "always",
): Promise<OrderDocument>;
export function completeOrder(
  deps: TransitionDeps,
  order: OrderDocument,
  changes: OrderChanges,
  mode: "ifFirst",
): Promise<OrderDocument | undefined>;
export async function completeOrder(
  deps: TransitionDeps,
  order: OrderDocument,
  changes: OrderChanges,
  mode: "always" | "ifFirst",
): Promise<OrderDocument | undefined> {
  const at = deps.clock.now().toISOString();
  const name = orderLifecycleName("Completed");
  // A read is cheaper than a create that fails: most races are settled here.
  if (mode === "ifFirst" && (await deps.statusFeed.has(order.creator, order.id, name))) return undefined;
  const leftovers = await unconfirmed(deps, order);
  // An entry not yet in the feed is being appended by the worker that wrote it, which checks completion
  // right after (or, should it have died, the sweeper does): appending it here too would only race it.
  if (mode === "ifFirst" && leftovers.length > 0) return undefined;
  const pending = [...leftovers, await feedDraft(deps, order, "Completed", at)];
  const first = await appendDrafts(deps, order, pending);
  if (!first && mode === "ifFirst") return undefined;
  return deps.orders.updateOrder(order, {
    ...changes,
    status: "Completed",
    statusChangedAt: at,
    feedOutbox: undefined,
    sweepAt: changes.sweepAt,
  });
}

/**
 * Records the completion of an order its notification holds (domain/heldOrders.ts): its feed entry, and no
 * write of the order, which its readers see Completed from the notification. Appending it again adds nothing.
 */
export async function recordHeldCompletion(deps: TransitionDeps, order: OrderDocument): Promise<void> {
  if (await deps.statusFeed.has(order.creator, order.id, orderLifecycleName("Completed"))) return;
  await appendDrafts(deps, order, [
    await feedDraft(deps, order, "Completed", deps.clock.now().toISOString()),
  ]);
}

async function clearConfirmed(deps: TransitionDeps, order: OrderDocument, sweepAt: string | undefined) {
  try {
    return await deps.orders.updateOrder(order, { feedOutbox: undefined, sweepAt });
  } catch {
    // Still in the outbox and due for the sweeper, which confirms and clears it.
    return order;
  }
}

/**
 * Sweeper step: appends the entries an order's outbox still holds (a process died before appending them),
 * then clears them and sets when the sweeper must look at the order next, in one replace.
 */
export async function confirmFeed(
  deps: TransitionDeps,
  order: OrderDocument,
  sweepAt: string | undefined,
): Promise<OrderDocument> {
  await appendDrafts(deps, order, await unconfirmed(deps, order));
  return deps.orders.updateOrder(order, { feedOutbox: undefined, sweepAt });
}
