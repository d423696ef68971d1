import { scopes } from "../../auth/principal";
import { cancelChainOrShipment } from "../../usecases/cancelChainOrShipment";
import { viewOrderChain } from "../../usecases/viewOrderChain";
import { authenticatedEndpoint, json } from "../endpoint";
import { orderIdParam } from "../routeParams";
import { shipmentSummaryView } from "../views/orderViews";

/**
 * `GET future/orders/{id}`: the chain a `POST future/orders` created (its Location), with each shipment's
 * status. Altinn's Location points at a route that does not exist; ours resolves.
 */
export const getOrderChain = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const chainId = orderIdParam(request.params);
  const { main, reminders } = await viewOrderChain(deps, principal.tenant, chainId);
  return json(200, {
    notificationOrderId: chainId,
    idempotencyId: main.chain.idempotencyId,
    created: main.created,
    notification: { ...shipmentSummaryView(main), reminders: reminders.map(shipmentSummaryView) },
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
    const { notificationOrderId, shipments } = await cancelChainOrShipment(
      deps,
      principal.tenant,
      orderIdParam(request.params),
    );
    return json(200, {
      ...(notificationOrderId === undefined ? {} : { notificationOrderId }),
      shipments: shipments.map((s) => ({ ...shipmentSummaryView(s.shipment), cancelled: s.cancelled })),
    });
  },
);
