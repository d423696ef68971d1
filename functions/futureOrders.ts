import { app } from "@azure/functions";
import { cancelFutureOrder, getOrderChain } from "../shared/http/handlers/chains";
import { createOrderChain } from "../shared/http/handlers/orderIntake";

app.http("createOrderChain", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders",
  handler: createOrderChain,
});
app.http("getOrderChain", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "future/orders/{id}",
  handler: getOrderChain,
});
app.http("cancelFutureOrder", {
  methods: ["PUT"],
  authLevel: "anonymous",
  route: "future/orders/{id}/cancel",
  handler: cancelFutureOrder,
});
