import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { createComposedEmailOrder } from "../shared/http/handlers/composedEmailOrders";

app.http("createComposedEmailOrder", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders/composed-email",
  handler: createComposedEmailOrder,
});
