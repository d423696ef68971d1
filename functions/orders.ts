import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import {
  cancelOrderById,
  getEmailNotifications,
  getOrder,
  getOrderStatus,
  getSmsNotifications,
  listOrdersBySendersReference,
} from "../shared/http/handlers/orderReads";
import {
  createLegacyEmailOrder,
  createLegacyOrder,
  createLegacySmsOrder,
} from "../shared/http/handlers/orderIntake";

// Legacy (v1) order routes: `/notifications/api/v1/orders...`.
app.http("createOrder", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "orders",
  handler: createLegacyOrder(hostServices),
});
app.http("createEmailOrder", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "orders/email",
  handler: createLegacyEmailOrder(hostServices),
});
app.http("createSmsOrder", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "orders/sms",
  handler: createLegacySmsOrder(hostServices),
});
app.http("getOrder", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "orders/{id}",
  handler: getOrder(hostServices),
});
app.http("listOrders", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "orders",
  handler: listOrdersBySendersReference(hostServices),
});
app.http("getOrderStatus", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "orders/{id}/status",
  handler: getOrderStatus(hostServices),
});
app.http("cancelOrder", {
  methods: ["PUT"],
  authLevel: "anonymous",
  route: "orders/{id}/cancel",
  handler: cancelOrderById(hostServices),
});
app.http("getEmailNotifications", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "orders/{id}/notifications/email",
  handler: getEmailNotifications(hostServices),
});
app.http("getSmsNotifications", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "orders/{id}/notifications/sms",
  handler: getSmsNotifications(hostServices),
});
