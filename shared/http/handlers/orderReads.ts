import { scopes } from "../../auth/principal";
import { AppError } from "../../errors";
import { cancelOrder } from "../../usecases/cancelOrder";
import { getTenantOrder } from "../../usecases/getTenantOrder";
import { apiBase, authenticatedEndpoint, json } from "../endpoint";
import { problem, problemCodes } from "../problem";
import { notificationSummaryView, orderView, orderWithStatusView, shipmentView } from "../views/orderViews";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route ids are GUIDs; anything else cannot name an order, so it is a 404 rather than a store lookup. */
function orderIdParam(params: Record<string, string>): string {
  const id = params["id"] ?? "";
  if (!uuidPattern.test(id)) throw new AppError("not-found", "Order not found.");
  return id.toLowerCase();
}

export const getOrder = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const order = await getTenantOrder(deps.orders, principal.tenant, orderIdParam(request.params));
  return json(200, orderView(order, apiBase(request)));
});

export const listOrdersBySendersReference = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const sendersReference = request.query.get("sendersReference");
    if (!sendersReference) {
      throw new AppError("validation", "sendersReference is required.", {
        errors: { sendersReference: ["The sendersReference field is required."] },
      });
    }
    const orders = await deps.orders.findOrdersBySendersReference(principal.tenant, sendersReference);
    const base = apiBase(request);
    return json(200, { count: orders.length, orders: orders.map((o) => orderView(o, base)) });
  },
);

export const getOrderStatus = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const order = await getTenantOrder(deps.orders, principal.tenant, orderIdParam(request.params));
  const notifications = await deps.notifications.listByOrder(order.id);
  return json(200, orderWithStatusView(order, notifications, apiBase(request)));
});

function notificationsOf(channel: "email" | "sms") {
  return authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
    const order = await getTenantOrder(deps.orders, principal.tenant, orderIdParam(request.params));
    const notifications = await deps.notifications.listByOrder(order.id);
    return json(200, notificationSummaryView(order, notifications, channel));
  });
}

export const getEmailNotifications = notificationsOf("email");
export const getSmsNotifications = notificationsOf("sms");

export const cancelOrderById = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const { order } = await cancelOrder(deps, principal.tenant, orderIdParam(request.params));
  return json(200, orderWithStatusView(order, [], apiBase(request)));
});

export const getShipment = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const id = request.params["id"] ?? "";
  const order = uuidPattern.test(id) ? await deps.orders.getOrder(id.toLowerCase()) : undefined;
  if (!order || order.creator !== principal.tenant) {
    const { code, status, detail } = problemCodes.shipmentNotFound;
    return problem({ status, title: "Not Found", code, detail });
  }
  const notifications = await deps.notifications.listByOrder(order.id);
  return json(200, shipmentView(order, notifications));
});
