import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import {
  erasePerson,
  listDeadDeliveryReports,
  replayDeadDeliveryReports,
} from "../shared/http/handlers/operations";

app.http("listDeadDeliveryReports", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "operations/dead-delivery-reports",
  handler: listDeadDeliveryReports(hostServices),
});
app.http("replayDeadDeliveryReports", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "operations/dead-delivery-reports/replay",
  handler: replayDeadDeliveryReports(hostServices),
});
app.http("erasePerson", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "operations/erasure",
  handler: erasePerson(hostServices),
});
