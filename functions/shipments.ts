import { app } from "@azure/functions";
import { getShipment } from "../shared/http/handlers/orderReads";

app.http("getShipment", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "future/shipment/{id}",
  handler: getShipment,
});
