import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import { cancelFutureOrder, getOrderChain } from "../shared/http/handlers/chains";
import {
  createInstantEmail,
  createInstantNotification,
  createInstantSms,
} from "../shared/http/handlers/instantOrders";
import { createOrderChain } from "../shared/http/handlers/orderIntake";

app.http("createOrderChain", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders",
  handler: createOrderChain(hostServices),
});
app.http("getOrderChain", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "future/orders/{id}",
  handler: getOrderChain(hostServices),
});
app.http("cancelFutureOrder", {
  methods: ["PUT"],
  authLevel: "anonymous",
  route: "future/orders/{id}/cancel",
  handler: cancelFutureOrder(hostServices),
});
app.http("createInstantNotification", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders/instant",
  handler: createInstantNotification(hostServices),
});
app.http("createInstantSms", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders/instant/sms",
  handler: createInstantSms(hostServices),
});
app.http("createInstantEmail", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders/instant/email",
  handler: createInstantEmail(hostServices),
});
