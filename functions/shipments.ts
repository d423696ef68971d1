import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import { getShipment } from "../shared/http/handlers/orderReads";
import { getStatusFeed } from "../shared/http/handlers/statusFeed";

app.http("getShipment", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "future/shipment/{id}",
  handler: getShipment(hostServices),
});
app.http("getStatusFeed", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "future/shipment/feed",
  handler: getStatusFeed(hostServices),
});
