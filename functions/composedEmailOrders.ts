import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import { createComposedEmailOrder } from "../shared/http/handlers/composedEmailOrders";

app.http("createComposedEmailOrder", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "future/orders/composed-email",
  handler: createComposedEmailOrder(hostServices),
});
