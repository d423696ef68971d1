import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import { health, openApi } from "../shared/http/handlers/system";

app.http("health", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "health",
  handler: health(hostServices),
});
app.http("openapi", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "openapi.json",
  handler: openApi(hostServices),
});
