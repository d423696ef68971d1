import type { OrderDocument } from "../domain/order";
import { orderLifecycleName, type OrderStatus } from "../domain/statuses";
import { emailLifecycleName, smsLifecycleName } from "../domain/statuses";
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

type OrderChanges = Partial<Omit<OrderDocument, "id" | "pk" | "docType" | "status">>;

/**
 * Moves an order to a new status under its ETag and records the change in the status feed. A lost race
 * surfaces as AppError "conflict" for the caller to re-read and decide again.
 */
export async function transitionOrder(
  deps: TransitionDeps,
  order: OrderDocument,
  status: OrderStatus,
  changes: OrderChanges = {},
): Promise<OrderDocument> {
  const now = deps.clock.now().toISOString();
  const updated = await deps.orders.updateOrder(order, { ...changes, status, statusChangedAt: now });
  await recordStatus(deps, updated);
  return updated;
}

/** The order's notifications: point reads when the order lists them, else one single-partition query. */
export function notificationsOf(deps: Pick<TransitionDeps, "notifications">, order: OrderDocument) {
  return order.notificationIds
    ? deps.notifications.getMany(order.id, order.notificationIds)
    : deps.notifications.listByOrder(order.id);
}

/** Appends the order's current status to the tenant's status feed (idempotent per order and status). */
export async function recordStatus(deps: TransitionDeps, order: OrderDocument): Promise<void> {
  const final = order.status === "Completed" || order.status === "SendConditionNotMet";
  const notifications = final ? await notificationsOf(deps, order) : [];
  await deps.statusFeed.append({
    creator: order.creator,
    shipmentId: order.id,
    sendersReference: order.sendersReference,
    shipmentType: order.type,
    status: orderLifecycleName(order.status),
    lastUpdate: order.statusChangedAt,
    recipients:
      notifications.length > maxFeedRecipients
        ? []
        : notifications.map((n) => ({
            destination: n.recipient.address ?? "",
            status: n.channel === "email" ? emailLifecycleName(n.status) : smsLifecycleName(n.status),
            lastUpdate: n.statusChangedAt,
          })),
    created: deps.clock.now().toISOString(),
  });
}
