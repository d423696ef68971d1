import { scopes } from "../../auth/principal";
import { reference, tooLongMessage } from "../../domain/requests/fields";
import { AppError } from "../../errors";
import { textProblem } from "../body";
import { cancelOrder } from "../../usecases/cancelOrder";
import { findOrdersBySendersReference } from "../../usecases/findOrdersBySendersReference";
import { viewOrder } from "../../usecases/viewOrder";
import { viewOrderStatus } from "../../usecases/viewOrderStatus";
import { viewShipment } from "../../usecases/viewShipment";
import { apiBase, authenticatedEndpoint, json, stopIfClientClosed } from "../endpoint";
import { guidParam, orderIdParam } from "../routeParams";
import { problem, problemCodes } from "../problem";
import { queryValue } from "../query";
import { notificationSummaryView, orderView, orderWithStatusView, shipmentView } from "../views/orderViews";

/** A reference no order can have (too long, or text the intake refuses) is told so, not looked up. */
function sendersReferenceProblem(text: string): string | undefined {
  const limit = reference("sendersReference");
  return text.length > limit.max ? tooLongMessage(limit, text.length) : textProblem(text);
}

export const getOrder = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const order = await viewOrder(deps, principal.tenant, orderIdParam(request.params));
  return json(200, orderView(order, apiBase(request)));
});

export const listOrdersBySendersReference = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const sendersReference = queryValue(request.query, "sendersReference");
    if (!sendersReference) {
      throw new AppError("validation", "sendersReference is required.", {
        errors: { sendersReference: ["The sendersReference field is required."] },
      });
    }
    const problem = sendersReferenceProblem(sendersReference);
    if (problem) {
      throw new AppError("validation", "Invalid sendersReference.", {
        errors: { sendersReference: [problem] },
      });
    }
    const orders = await findOrdersBySendersReference(deps, principal.tenant, sendersReference);
    const base = apiBase(request);
    return json(200, { count: orders.length, orders: orders.map((o) => orderView(o, base)) });
  },
);

export const getOrderStatus = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const { order, notifications } = await viewOrderStatus(
    deps,
    principal.tenant,
    orderIdParam(request.params),
  );
  return json(200, orderWithStatusView(order, notifications, apiBase(request)));
});

function notificationsOf(channel: "email" | "sms") {
  return authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
    const { order, notifications } = await viewOrderStatus(
      deps,
      principal.tenant,
      orderIdParam(request.params),
    );
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
  const id = guidParam(request.params);
  const shipment = id ? await viewShipment(deps, principal.tenant, id) : undefined;
  if (!shipment) {
    const { code, status, detail } = problemCodes.shipmentNotFound;
    return problem({ status, title: "Not Found", code, detail });
  }
  stopIfClientClosed(request);
  return json(200, shipmentView(shipment.order, shipment.notifications));
});
