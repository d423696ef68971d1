import type { FeedDraft, OrderDocument } from "../domain/order";
import { feedConfirmGraceMs } from "../domain/recoveryTimes";
import {
  emailLifecycleName,
  finalOrderStatuses,
  orderLifecycleName,
  smsLifecycleName,
  type OrderStatus,
} from "../domain/statuses";
import type { Clock } from "../ports/clock";
import type { NotificationStore } from "../ports/notificationStore";
import type { OrderStore } from "../ports/orderStore";
import type { StatusFeed } from "../ports/statusFeed";

export interface TransitionDeps {
  orders: OrderStore;
  notifications: NotificationStore;
  statusFeed: StatusFeed;
  clock: Clock;
}

/** A feed entry lists recipients only for orders small enough to keep the entry far below Cosmos' 2 MB item limit. */
const maxFeedRecipients = 1000;

type OrderChanges = Partial<Omit<OrderDocument, "id" | "pk" | "docType" | "status" | "feedOutbox">>;

/** The order's notifications: point reads when the order lists them, else one single-partition query. */
export function notificationsOf(deps: Pick<TransitionDeps, "notifications">, order: OrderDocument) {
  return order.notificationIds
    ? deps.notifications.getMany(order.id, order.notificationIds)
    : deps.notifications.listByOrder(order.id);
}

async function feedDraft(
  deps: TransitionDeps,
  order: OrderDocument,
  status: OrderStatus,
  at: string,
): Promise<FeedDraft> {
  const final = status === "Completed" || status === "SendConditionNotMet";
  const notifications = final ? await notificationsOf(deps, order) : [];
  return {
    status: orderLifecycleName(status),
    lastUpdate: at,
    recipients:
      notifications.length > maxFeedRecipients
        ? []
        : notifications.map((n) => ({
            destination: n.recipient.address ?? "",
            status: n.channel === "email" ? emailLifecycleName(n.status) : smsLifecycleName(n.status),
            lastUpdate: n.statusChangedAt,
          })),
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

/** Appends the outbox's drafts to the feed in the order they were written. */
async function appendDrafts(deps: TransitionDeps, order: OrderDocument, drafts: FeedDraft[]) {
  for (const draft of drafts) {
    await deps.statusFeed.append({
      creator: order.creator,
      shipmentId: order.id,
      sendersReference: order.sendersReference,
      shipmentType: order.type,
      ...draft,
      created: deps.clock.now().toISOString(),
    });
  }
}

/**
 * Moves an order to a new status under its ETag, with the status-feed entry of the change written into the
 * order in the same replace, then appends that entry to the feed. A process that dies in between loses no
 * entry: the order's `sweepAt` brings the sweeper, which appends what is left (`confirmFeed`). A lost race
 * surfaces as AppError "conflict" for the caller to re-read and decide again.
 */
export async function transitionOrder(
  deps: TransitionDeps,
  order: OrderDocument,
  status: OrderStatus,
  changes: OrderChanges = {},
): Promise<OrderDocument> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const pending = [...(await unconfirmed(deps, order)), await feedDraft(deps, order, status, at)];
  const feedDue = new Date(now.getTime() + feedConfirmGraceMs).toISOString();
  const sweepAt = changes.sweepAt ?? order.sweepAt;
  const updated = await deps.orders.updateOrder(order, {
    ...changes,
    status,
    statusChangedAt: at,
    feedOutbox: pending,
    sweepAt: sweepAt === undefined || sweepAt > feedDue ? feedDue : sweepAt,
  });
  try {
    await appendDrafts(deps, updated, pending);
  } catch {
    // The entries stay in the order's outbox, and its sweepAt brings the sweeper to append them.
    return updated;
  }
  if (!finalOrderStatuses.has(status)) return updated;
  // A final order has nothing else pending: clearing the outbox takes it off the sweeper's list.
  return clearConfirmed(deps, updated, changes.sweepAt);
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
