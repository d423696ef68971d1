import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import { dashboardByNin, dashboardByOrgNumber } from "../shared/http/handlers/dashboard";
import { dailyEmailMetrics, dailySmsMetrics, monthlyMetrics } from "../shared/http/handlers/metrics";
import { testSendCondition } from "../shared/http/handlers/sendConditionHelper";

app.http("dashboardByNin", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "future/dashboard/recipients/notifications/nin",
  handler: dashboardByNin(hostServices),
});
app.http("dashboardByOrgNumber", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "future/dashboard/recipients/notifications/orgnumber",
  handler: dashboardByOrgNumber(hostServices),
});
app.http("testSendCondition", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "tests/sendcondition",
  handler: testSendCondition(hostServices),
});
app.http("dailySmsMetrics", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "metrics/sms",
  handler: dailySmsMetrics(hostServices),
});
app.http("dailyEmailMetrics", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "metrics/email",
  handler: dailyEmailMetrics(hostServices),
});
app.http("monthlyMetrics", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "metrics/monthly",
  handler: monthlyMetrics(hostServices),
});
