import { scopes } from "../../auth/principal";
import type { OrderDocument } from "../../domain/order";
import { AppError } from "../../errors";
import { cancelChain } from "../../usecases/cancelChain";
import { cancelOrder } from "../../usecases/cancelOrder";
import { mainOrderIdOf } from "../../usecases/registerOrderChain";
import { authenticatedEndpoint, json } from "../endpoint";
import { orderIdParam } from "../routeParams";
import { shipmentSummaryView } from "../views/orderViews";

/**
 * `GET future/orders/{id}`: the chain a `POST future/orders` created (its Location), with each shipment's
 * status. Altinn's Location points at a route that does not exist; ours resolves.
 */
export const getOrderChain = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const chainId = orderIdParam(request.params);
  const main = await deps.orders.getOrder(mainOrderIdOf(chainId));
  if (!main?.chain || main.creator !== principal.tenant)
    throw new AppError("not-found", "Order chain not found.");
  const reminders = await Promise.all(main.chain.orderIds.slice(1).map((id) => deps.orders.getOrder(id)));
  return json(200, {
    notificationOrderId: chainId,
    idempotencyId: main.chain.idempotencyId,
    created: main.created,
    notification: {
      ...shipmentSummaryView(main),
      reminders: reminders.filter((r): r is OrderDocument => r !== undefined).map(shipmentSummaryView),
    },
  });
});

/**
 * `PUT future/orders/{id}/cancel` (varsel extension; Altinn has no cancel for chains): the id is a chain's
 * notificationOrderId, which cancels every shipment not yet started, or one shipmentId, which cancels just
 * that notification or reminder.
 */
export const cancelFutureOrder = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const id = orderIdParam(request.params);
    const main = await deps.orders.getOrder(mainOrderIdOf(id));
    if (main?.chain && main.creator === principal.tenant) {
      const result = await cancelChain(deps, principal.tenant, id);
      return json(200, {
        notificationOrderId: result.notificationOrderId,
        shipments: result.shipments.map((s) => ({
          ...shipmentSummaryView(s.shipment),
          cancelled: s.cancelled,
        })),
      });
    }
    const { order } = await cancelOrder(deps, principal.tenant, id);
    return json(200, { shipments: [{ ...shipmentSummaryView(order), cancelled: true }] });
  },
);
