import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import { receiveSmsDeliveryReport } from "../shared/http/handlers/deliveryReports";

app.http("receiveSmsDeliveryReport", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "delivery-reports/sms",
  handler: receiveSmsDeliveryReport(hostServices),
});
